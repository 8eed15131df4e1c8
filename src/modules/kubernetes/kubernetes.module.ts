import { type KubeConfig } from '@kubernetes/client-node';
import { Global, Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KubeApiProbe } from './kube-api-probe.js';
import { loadKubeConfig } from './kube-config.factory.js';
import { KUBE_CONFIG } from './kubernetes.constants.js';
import { KUBERNETES_OPTIONS, type KubernetesModuleOptions } from './kubernetes.options.js';

/**
 * Provides the Kubernetes client configuration ({@link KUBE_CONFIG}) and the API probe to every module:
 * the `kubeConfig` of `OpampModule.forRoot` when given, else loaded from the environment.
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
  ],
  exports: [KUBE_CONFIG, KubeApiProbe],
})
export class KubernetesModule {}
