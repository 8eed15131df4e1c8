import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '../../common/clock.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KubeApiProbe } from './kube-api-probe.js';
import { loadKubeConfig } from './kube-config.factory.js';
import { KUBE_CONFIG } from './kubernetes.constants.js';

/** Provides the Kubernetes client configuration ({@link KUBE_CONFIG}) and the API probe to every module. */
@Global()
@Module({
  providers: [
    {
      provide: KUBE_CONFIG,
      useFactory: (config: ServerConfig) => loadKubeConfig(config),
      inject: [SERVER_CONFIG],
    },
    { provide: CLOCK, useValue: systemClock },
    KubeApiProbe,
  ],
  exports: [KUBE_CONFIG, KubeApiProbe],
})
export class KubernetesModule {}
