export * from './agent-enricher.service.js';
export * from './enrichment.constants.js';
export * from './enrichment.errors.js';
export * from './enrichment.module.js';
export { type DeviceAllocation } from './kubelet/device-allocation.js';
export { DevicePodResolver, type DevicePodResolverOptions } from './kubelet/device-pod-resolver.js';
export {
  KubeletPodResourcesClient,
  type KubeletPodResourcesClientOptions,
} from './kubelet/kubelet-pod-resources.client.js';
export { KubeletPodResourcesError } from './kubelet/kubelet.errors.js';
export { type PodMetadata, type PodOwnerReference } from './pod-metadata.js';
export { PodMetadataCache, type PodMetadataCacheOptions } from './pod-metadata.cache.js';
export { type KnownPods, NodePodWatch, type NodePodWatchOptions } from './node-pod-watch.js';
export {
  computeResourceAttributes,
  type ResourceAttributesInput,
  stringAttribute,
  workloadNameKey,
} from './resource-attributes.js';
export { type KnownWorkloadKind, resolveWorkload, type Workload } from './workload-resolver.js';
