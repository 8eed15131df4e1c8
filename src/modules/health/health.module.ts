import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KubernetesModule } from '../kubernetes/index.js';
import { MetricsModule } from '../metrics/index.js';
import { SessionModule } from '../session/index.js';
import { TransportModule } from '../transport/index.js';
import { HealthListener } from './health-listener.js';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options.js';
import { Readiness } from './readiness.service.js';

/**
 * Probes and metrics on a listener of their own (`HEALTH_HOST:HEALTH_PORT`, no token): `/healthz`,
 * `/readyz` (can this server serve agents?) and `/metrics`.
 */
@Module({
  imports: [KubernetesModule, SessionModule, TransportModule, MetricsModule],
  providers: [
    {
      provide: HEALTH_OPTIONS,
      useFactory: (config: ServerConfig): HealthOptions => config.health,
      inject: [SERVER_CONFIG],
    },
    Readiness,
    HealthListener,
  ],
  exports: [Readiness, HealthListener],
})
export class HealthModule {}
