import { type KubeConfig } from '@kubernetes/client-node';
import { Global, Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KubeApiProbe } from './kube-api-probe.js';
import { loadKubeConfig } from './kube-config.factory.js';
import { KUBE_CONFIG } from './kubernetes.constants.js';
import { KUBERNETES_STATS, kubernetesStats } from './kubernetes-stats.js';
import { KUBERNETES_OPTIONS, type KubernetesModuleOptions } from './kubernetes.options.js';

/**
 * Provides the Kubernetes client configuration ({@link KUBE_CONFIG}) and the API probe to every module:
 * the `kubeConfig` of `OpampModule.forRoot` when given, else loaded from the environment; and the
 * process's API call and watch counts under {@link KUBERNETES_STATS}, for the metrics.
 */
@Global()
@Module({
  providers: [
    {
      provide: KUBE_CONFIG,
      useFactory: (config: ServerConfig, options?: KubernetesModuleOptions): KubeConfig | undefined =>
        options?.kubeConfig !== undefined ? (options.kubeConfig ?? undefined) : loadKubeConfig(config),
      inject: [SERVER_CONFIG, { token: KUBERNETES_OPTIONS, optional: true }],
    },
    KubeApiProbe,
    { provide: KUBERNETES_STATS, useValue: kubernetesStats },
  ],
  exports: [KUBE_CONFIG, KubeApiProbe, KUBERNETES_STATS],
})
export class KubernetesModule {}
