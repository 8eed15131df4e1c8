import { Injectable } from '@nestjs/common';
import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { type EnrichmentOptions, InjectEnrichmentOptions } from './enrichment.constants.js';
import { PodOnAnotherNodeError } from './enrichment.errors.js';
import { type PodMetadata } from './pod-metadata.js';
import { PodMetadataCache } from './pod-metadata.cache.js';
import { computeResourceAttributes } from './resource-attributes.js';
import { resolveWorkload, type Workload } from './workload-resolver.js';

/** A container of a pod: what an agent says about where it runs (or what a device id maps to). */
export interface ContainerLocation {
  readonly namespace: string;
  readonly podName: string;
  readonly containerName: string;
}

/** Where an agent runs: its pod, container, workload and node. */
export interface PodPlacement {
  readonly pod: PodMetadata;
  readonly containerName: string;
  readonly workload: Workload;
  /** The pod's node, or this server's node while the pod is unscheduled. */
  readonly nodeName: string;
}

/**
 * Places an agent in Kubernetes: reads its pod (from the node's pod watch, else the API, cached) and
 * resolves its workload from owner references; computes semantic-convention resource attributes for it.
 * What a convention adds (a service name from its own resources, attributes of its own) is its plugin's.
 */
@Injectable()
export class AgentEnricher {
  constructor(
    private readonly pods: PodMetadataCache,
    @InjectEnrichmentOptions() private readonly options: EnrichmentOptions,
  ) {}

  /**
   * The pod, workload and node of a container. With `NODE_NAME` set, only a pod scheduled on this node.
   * @throws {PodNotFoundError} the pod does not exist.
   * @throws {PodOnAnotherNodeError} the pod is scheduled on another node (or on none).
   * @throws {KubernetesUnavailableError} the API server did not answer in time or is not configured.
   * @throws {KubernetesRequestError} the API server refused the read (e.g. RBAC).
   */
  async locate(location: ContainerLocation): Promise<PodPlacement> {
    const pod = await this.pods.get(location.namespace, location.podName);
    const localNode = this.options.nodeName ?? '';
    if (this.options.nodeLocal && pod.nodeName !== localNode) {
      throw new PodOnAnotherNodeError(pod.namespace, pod.name, pod.nodeName, localNode);
    }
    return {
      pod,
      containerName: location.containerName,
      workload: resolveWorkload(pod),
      nodeName: pod.nodeName ?? this.options.nodeName ?? '',
    };
  }

  /** The resource attributes of a placed agent, `service.name` given (default: the workload's name). */
  resourceAttributes(placement: PodPlacement, serviceName = placement.workload.name): KeyValue[] {
    return computeResourceAttributes({
      nodeName: placement.nodeName,
      pod: placement.pod,
      containerName: placement.containerName,
      workload: placement.workload,
      serviceName,
    });
  }
}
