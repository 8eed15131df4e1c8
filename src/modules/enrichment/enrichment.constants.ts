import { Inject } from '@nestjs/common';
import { type DevicePodResolverOptions } from './kubelet/device-pod-resolver.js';
import { type InstrumentationConfigCacheOptions } from './instrumentation-config.cache.js';
import { type NodePodWatchOptions } from './node-pod-watch.js';
import { type PodMetadataCacheOptions } from './pod-metadata.cache.js';

/** Tunables of the {@link EnrichmentModule}; every field is optional and has the default its type names. */
export interface EnrichmentOptions {
  /** Pod reads: TTLs, deadline and size (the clock comes from the `CLOCK` provider). */
  readonly podMetadata?: Omit<PodMetadataCacheOptions, 'clock' | 'known'>;
  /** List/watch timing of the node's pod watch (`WATCH_NODE_PODS`). */
  readonly nodePods?: NodePodWatchOptions;
  /** InstrumentationConfig list/watch timing and retry backoff. */
  readonly instrumentationConfigs?: InstrumentationConfigCacheOptions;
  /** Kubelet device lookups: resource filter, rebuild interval and the `List` deadline. */
  readonly kubelet?: Omit<DevicePodResolverOptions, 'clock'> & {
    /** Deadline of one kubelet `List` call, ms; default 10 s (`DEFAULT_KUBELET_LIST_TIMEOUT_MS`). */
    readonly timeoutMs?: number;
  };
  /**
   * Longest time {@link AgentEnricher.locate} waits for the first InstrumentationConfig list after start-up
   * (alongside the pod read), ms; default 3 s. After that, service names fall back to workload names.
   */
  readonly readyWaitMs?: number;
}

/** DI token of the {@link EnrichmentOptions}; the module provides `{}` (all defaults). */
export const ENRICHMENT_OPTIONS = 'OPAMP:ENRICHMENT_OPTIONS';

/** Injects the {@link EnrichmentOptions}. */
export const InjectEnrichmentOptions = (): ParameterDecorator => Inject(ENRICHMENT_OPTIONS);
