import { Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { SessionModule } from '../session/index.js';
import { TransportModule } from '../transport/index.js';
import { METRICS_REGISTRY } from './metrics.constants.js';
import { OpampMetrics } from './opamp-metrics.js';

/**
 * Prometheus metrics (served by the HealthModule's listener at `GET /metrics`): a prom-client `Registry` per application
 * under {@link METRICS_REGISTRY}, with the process and Node.js defaults and the server's own series.
 */
@Module({
  imports: [SessionModule, TransportModule],
  providers: [
    {
      provide: METRICS_REGISTRY,
      useFactory: (): Registry => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    OpampMetrics,
  ],
  exports: [METRICS_REGISTRY],
})
export class MetricsModule {}
