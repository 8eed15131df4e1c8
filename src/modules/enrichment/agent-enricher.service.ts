import { Injectable } from '@nestjs/common';
import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { InjectServerConfig, type ServerConfig } from '../config/index.js';
import { DEFAULT_KUBERNETES_API_DEADLINE_MS } from './kubernetes-api-call.js';
import { type EnrichmentOptions, InjectEnrichmentOptions } from './enrichment.constants.js';
import { DeviceNotFoundError } from './enrichment.errors.js';
import { type InstrumentationConfig, instrumentationConfigName } from './instrumentation-config.js';
import { InstrumentationConfigCache } from './instrumentation-config.cache.js';
import { DevicePodResolver } from './kubelet/device-pod-resolver.js';
import { type PodMetadata } from './pod-metadata.js';
import { PodMetadataCache } from './pod-metadata.cache.js';
import { computeResourceAttributes } from './resource-attributes.js';
import { resolveWorkload, type Workload } from './workload-resolver.js';

/** A container of a pod: what an agent says about where it runs (or what its device id maps to). */
export interface ContainerLocation {
  readonly namespace: string;
  readonly podName: string;
  readonly containerName: string;
}

/** Everything the server knows about where an agent runs. */
export interface EnrichedLocation {
  readonly pod: PodMetadata;
  readonly containerName: string;
  readonly workload: Workload;
  /** The workload's InstrumentationConfig (`<kind-lowercase>-<name>` in the pod's namespace), if any. */
  readonly instrumentationConfig: InstrumentationConfig | undefined;
  /** `spec.serviceName` of the InstrumentationConfig, else the workload name. */
  readonly serviceName: string;
  /** The attributes of `computeResourceAttributes`, in its order. */
  readonly resourceAttributes: KeyValue[];
}

/**
 * Places an agent in Kubernetes: reads its pod (cached), resolves the workload from owner references,
 * finds the workload's InstrumentationConfig and computes the agent's resource attributes.
 */
@Injectable()
export class AgentEnricher {
  private readonly readyWaitMs: number;

  constructor(
    private readonly pods: PodMetadataCache,
    private readonly instrumentationConfigs: InstrumentationConfigCache,
    private readonly devices: DevicePodResolver,
    @InjectServerConfig() private readonly config: ServerConfig,
    @InjectEnrichmentOptions() options: EnrichmentOptions,
  ) {
    this.readyWaitMs = options.readyWaitMs ?? DEFAULT_KUBERNETES_API_DEADLINE_MS;
  }

  /**
   * The pod, workload, InstrumentationConfig and resource attributes of a container. Right after start-up
   * it also waits (at most `readyWaitMs`, alongside the pod read) for the first InstrumentationConfig list.
   * `k8s.node.name` is the pod's node, or this server's `NODE_NAME` while the pod is unscheduled.
   * @throws {PodNotFoundError} the pod does not exist.
   * @throws {KubernetesUnavailableError} the API server did not answer in time or is not configured.
   * @throws {KubernetesRequestError} the API server refused the read (e.g. RBAC).
   */
  async locate(location: ContainerLocation): Promise<EnrichedLocation> {
    const [pod] = await Promise.all([
      this.pods.get(location.namespace, location.podName),
      this.instrumentationConfigs.whenReady(this.readyWaitMs),
    ]);
    const workload = resolveWorkload(pod);
    const instrumentationConfig = this.instrumentationConfigs.get(
      pod.namespace,
      instrumentationConfigName(workload),
    );
    const serviceName = instrumentationConfig?.serviceName ?? workload.name;
    const resourceAttributes = computeResourceAttributes({
      nodeName: pod.nodeName ?? this.config.kubernetes.nodeName,
      pod,
      containerName: location.containerName,
      workload,
      serviceName,
    });
    return {
      pod,
      containerName: location.containerName,
      workload,
      instrumentationConfig,
      serviceName,
      resourceAttributes,
    };
  }

  /**
   * {@link locate} for the container a kubelet instrumentation device (the agent's `X-Odigos-DeviceId`) is
   * allocated to.
   * @throws {DeviceNotFoundError} the kubelet lists no pod holding the device.
   * @throws {KubeletPodResourcesError} the kubelet could not be asked.
   */
  async locateDevice(deviceId: string): Promise<EnrichedLocation> {
    const allocation = await this.devices.resolve(deviceId);
    if (!allocation) throw new DeviceNotFoundError(deviceId);
    return this.locate(allocation);
  }
}
