import { Inject } from '@nestjs/common';
import { type KubeletPodResourcesClientOptions } from './kubelet/kubelet-pod-resources.client.js';
import { type NodePodWatchOptions } from './node-pod-watch.js';
import { type PodMetadataCacheOptions } from './pod-metadata.cache.js';

/** Options of the {@link EnrichmentModule}, mapped from the server settings by the module. */
export interface EnrichmentOptions {
  /** This server's node (`NODE_NAME`): `k8s.node.name` of agents whose pod is not scheduled yet. */
  readonly nodeName?: string;
  /** Refuse to place agents in pods scheduled on other nodes than {@link nodeName} (`NODE_NAME` set). */
  readonly nodeLocal?: boolean;
  /** Keep the node's pods in memory with one list + watch (`WATCH_NODE_PODS`, only with `NODE_NAME`). */
  readonly watchNodePods?: boolean;
  /** Pod reads: TTLs, deadline and size (the clock comes from the `CLOCK` provider). */
  readonly podMetadata?: Omit<PodMetadataCacheOptions, 'clock' | 'known'>;
  /** List/watch timing of the node's pod watch. */
  readonly nodePods?: NodePodWatchOptions;
  /** The kubelet pod-resources API: socket path (`KUBELET_POD_RESOURCES_SOCKET`) and call deadline. */
  readonly kubelet?: KubeletPodResourcesClientOptions;
}

/** DI token of the {@link EnrichmentOptions}. */
export const ENRICHMENT_OPTIONS = 'OPAMP:ENRICHMENT_OPTIONS';

/** Injects the {@link EnrichmentOptions}. */
export const InjectEnrichmentOptions = (): ParameterDecorator => Inject(ENRICHMENT_OPTIONS);
