import { Global, Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { loadKubeConfig } from './kube-config.factory.js';
import { KUBE_CONFIG } from './kubernetes.constants.js';

/** Provides the Kubernetes client configuration ({@link KUBE_CONFIG}) to every module. */
@Global()
@Module({
  providers: [
    {
      provide: KUBE_CONFIG,
      useFactory: (config: ServerConfig) => loadKubeConfig(config),
      inject: [SERVER_CONFIG],
    },
  ],
  exports: [KUBE_CONFIG],
})
export class KubernetesModule {}
