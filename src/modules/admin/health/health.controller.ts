import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { OpampListener } from '../../transport/index.js';

/** Liveness and readiness probes for Kubernetes. */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly listener: OpampListener,
  ) {}

  /** Alive while the event loop answers. */
  @Get('healthz')
  @HealthCheck()
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Ready once the OpAMP listener accepts connections. */
  @Get('readyz')
  @HealthCheck()
  readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('opampListener');
        return this.listener.listening ? indicator.up() : indicator.down({ reason: 'not listening' });
      },
    ]);
  }
}
