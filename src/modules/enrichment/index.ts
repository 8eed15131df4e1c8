export * from './agent-enricher.service.js';
export * from './enrichment.constants.js';
export * from './enrichment.errors.js';
export * from './enrichment.module.js';
export {
  type ContainerAgentConfig,
  type InstrumentationConfig,
  instrumentationConfigName,
  type JsonValue,
} from './instrumentation-config.js';
export {
  InstrumentationConfigCache,
  type InstrumentationConfigListener,
} from './instrumentation-config.cache.js';
export { type DeviceAllocation } from './kubelet/device-allocation.js';
export { DevicePodResolver } from './kubelet/device-pod-resolver.js';
export { KubeletPodResourcesError } from './kubelet/kubelet.errors.js';
export { type PodMetadata, type PodOwnerReference } from './pod-metadata.js';
export { PodMetadataCache, type PodMetadataCacheOptions } from './pod-metadata.cache.js';
export { type KnownPods, NodePodWatch, type NodePodWatchOptions } from './node-pod-watch.js';
export {
  computeResourceAttributes,
  ODIGOS_WORKLOAD_KIND_ATTRIBUTE,
  ODIGOS_WORKLOAD_NAME_ATTRIBUTE,
  type ResourceAttributesInput,
} from './resource-attributes.js';
export { type KnownWorkloadKind, resolveWorkload, type Workload } from './workload-resolver.js';
