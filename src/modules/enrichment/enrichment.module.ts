import { type KubeConfig } from '@kubernetes/client-node';
import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../kubernetes/index.js';
import { AgentEnricher } from './agent-enricher.service.js';
import { ENRICHMENT_OPTIONS, type EnrichmentOptions } from './enrichment.constants.js';
import { KubeletPodResourcesClient } from './kubelet/kubelet-pod-resources.client.js';
import { NodePodWatch } from './node-pod-watch.js';
import { PodMetadataCache } from './pod-metadata.cache.js';

/**
 * Where agents run in Kubernetes, for any plugin: {@link AgentEnricher} (pod → workload → resource
 * attributes) on top of the pod cache, fed by the node's pod watch when `NODE_NAME` is set, and the
 * kubelet pod-resources client (which devices each container holds). The Kubernetes client comes from
 * `KUBE_CONFIG` (undefined: pods cannot be read and the watch is inert); the kubelet socket
 * (`KUBELET_POD_RESOURCES_SOCKET`) is opened on the first call, never before. Nothing here knows a
 * convention's resources: a plugin brings those.
 */
@Module({
  imports: [KubernetesModule],
  providers: [
    {
      provide: ENRICHMENT_OPTIONS,
      inject: [SERVER_CONFIG],
      useFactory: (config: ServerConfig): EnrichmentOptions => ({
        nodeName: config.kubernetes.nodeName,
        nodeLocal: config.kubernetes.nodeLocal,
        watchNodePods: config.kubernetes.watchNodePods,
        kubelet: { socketPath: config.kubernetes.kubeletPodResourcesSocket },
      }),
    },
    {
      provide: NodePodWatch,
      inject: [KUBE_CONFIG, ENRICHMENT_OPTIONS],
      useFactory: (kubeConfig: KubeConfig | undefined, options: EnrichmentOptions) =>
        new NodePodWatch(
          options.watchNodePods ? kubeConfig : undefined,
          options.nodeName ?? '',
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
      provide: KubeletPodResourcesClient,
      inject: [ENRICHMENT_OPTIONS],
      useFactory: (options: EnrichmentOptions) => new KubeletPodResourcesClient(options.kubelet),
    },
    AgentEnricher,
  ],
  exports: [AgentEnricher, PodMetadataCache, NodePodWatch, KubeletPodResourcesClient],
})
export class EnrichmentModule implements OnApplicationShutdown {
  constructor(private readonly kubelet: KubeletPodResourcesClient) {}

  /** Closes the kubelet channel, if a device lookup opened one. */
  onApplicationShutdown(): void {
    this.kubelet.close();
  }
}
