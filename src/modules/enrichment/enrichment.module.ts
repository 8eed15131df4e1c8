import { type KubeConfig } from '@kubernetes/client-node';
import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock, systemClock } from '../../common/clock.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../kubernetes/index.js';
import { AgentEnricher } from './agent-enricher.service.js';
import { ENRICHMENT_OPTIONS, type EnrichmentOptions } from './enrichment.constants.js';
import { InstrumentationConfigCache } from './instrumentation-config.cache.js';
import { DevicePodResolver } from './kubelet/device-pod-resolver.js';
import { KubeletPodResourcesClient } from './kubelet/kubelet-pod-resources.client.js';
import { NodePodWatch } from './node-pod-watch.js';
import { PodMetadataCache } from './pod-metadata.cache.js';

/**
 * Where agents run in Kubernetes: {@link AgentEnricher} on top of the pod cache (fed by the node's pod watch
 * when `NODE_NAME` is set), the InstrumentationConfig
 * watch and the kubelet device resolver. Options come from {@link ENRICHMENT_OPTIONS} (override it to tune);
 * the Kubernetes client from `KUBE_CONFIG` (undefined: pods cannot be read and the watch is inert). The kubelet
 * socket (`KUBELET_POD_RESOURCES_SOCKET`) is opened on the first device lookup, never before.
 */
@Module({
  imports: [KubernetesModule],
  providers: [
    { provide: ENRICHMENT_OPTIONS, useValue: {} satisfies EnrichmentOptions },
    { provide: CLOCK, useValue: systemClock },
    {
      provide: NodePodWatch,
      inject: [KUBE_CONFIG, SERVER_CONFIG, ENRICHMENT_OPTIONS],
      useFactory: (kubeConfig: KubeConfig | undefined, config: ServerConfig, options: EnrichmentOptions) =>
        new NodePodWatch(
          config.kubernetes.watchNodePods ? kubeConfig : undefined,
          config.kubernetes.nodeName,
          options.nodePods,
        ),
    },
    {
      provide: PodMetadataCache,
      inject: [KUBE_CONFIG, ENRICHMENT_OPTIONS, CLOCK, NodePodWatch],
      useFactory: (
        kubeConfig: KubeConfig | undefined,
        options: EnrichmentOptions,
        clock: Clock,
        nodePods: NodePodWatch,
      ) => new PodMetadataCache(kubeConfig, { ...options.podMetadata, clock, known: nodePods }),
    },
    {
      provide: InstrumentationConfigCache,
      inject: [KUBE_CONFIG, ENRICHMENT_OPTIONS],
      useFactory: (kubeConfig: KubeConfig | undefined, options: EnrichmentOptions) =>
        new InstrumentationConfigCache(kubeConfig, options.instrumentationConfigs),
    },
    {
      provide: KubeletPodResourcesClient,
      inject: [SERVER_CONFIG, ENRICHMENT_OPTIONS],
      useFactory: (config: ServerConfig, options: EnrichmentOptions) =>
        new KubeletPodResourcesClient({
          socketPath: config.kubernetes.kubeletPodResourcesSocket,
          ...(options.kubelet?.timeoutMs !== undefined ? { timeoutMs: options.kubelet.timeoutMs } : {}),
        }),
    },
    {
      provide: DevicePodResolver,
      inject: [KubeletPodResourcesClient, ENRICHMENT_OPTIONS, CLOCK],
      useFactory: (kubelet: KubeletPodResourcesClient, options: EnrichmentOptions, clock: Clock) =>
        new DevicePodResolver(kubelet, { ...options.kubelet, clock }),
    },
    AgentEnricher,
  ],
  exports: [AgentEnricher, PodMetadataCache, NodePodWatch, InstrumentationConfigCache, DevicePodResolver],
})
export class EnrichmentModule implements OnApplicationShutdown {
  constructor(private readonly kubelet: KubeletPodResourcesClient) {}

  /** Closes the kubelet channel, if a device lookup opened one. */
  onApplicationShutdown(): void {
    this.kubelet.close();
  }
}
