import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CommandsModule } from '../commands/index.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { FleetModule } from '../fleet/index.js';
import { MetricsModule } from '../metrics/index.js';
import { SessionModule } from '../session/index.js';
import { TransportModule } from '../transport/index.js';
import { AgentsController } from './api/agents.controller.js';
import { AdminTokenGuard } from './api/admin-token.guard.js';
import { ConfigsController } from './api/configs.controller.js';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options.js';
import { HealthController } from './health/health.controller.js';

/**
 * The admin listener's routes: health probes (`/healthz`, `/readyz`), Prometheus metrics (`/metrics`) and
 * the REST API (`/api/v1/agents`, `/api/v1/configs`; OpenAPI at `/api/docs-json` once
 * `setupAdminOpenApi(app)` ran).
 */
@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    TransportModule,
    SessionModule,
    FleetModule,
    CommandsModule,
    MetricsModule,
  ],
  controllers: [HealthController, AgentsController, ConfigsController],
  providers: [
    {
      provide: ADMIN_OPTIONS,
      useFactory: (config: ServerConfig): AdminOptions => ({
        token: config.admin.token,
        readinessChecksKubernetesApi: config.kubernetes.persistence === 'kubernetes',
      }),
      inject: [SERVER_CONFIG],
    },
    AdminTokenGuard,
  ],
})
export class AdminModule {}
