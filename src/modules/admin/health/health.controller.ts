import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AdminOptions, InjectAdminOptions } from '../admin.options.js';
import { KubeApiProbe } from '../../kubernetes/index.js';
import { OpampListener } from '../../transport/index.js';

/** Liveness and readiness probes for Kubernetes. */
@ApiTags('observability')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly listener: OpampListener,
    private readonly kubeApi: KubeApiProbe,
    @InjectAdminOptions() private readonly options: AdminOptions,
  ) {}

  /** Alive while the event loop answers. */
  @Get('healthz')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Ready once the OpAMP listener accepts connections and, with `PERSISTENCE=kubernetes`, the Kubernetes
   * API answers (`GET /version`, cached a few seconds).
   */
  @Get('readyz')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: the OpAMP listener is up (and the Kubernetes API answers, with PERSISTENCE=kubernetes)',
  })
  readiness(): Promise<HealthCheckResult> {
    const checks: Array<() => Promise<HealthIndicatorResult>> = [async () => this.opampListener()];
    if (this.options.readinessChecksKubernetesApi) checks.push(() => this.kubernetesApi());
    return this.health.check(checks);
  }

  private opampListener(): HealthIndicatorResult {
    const indicator = this.indicators.check('opampListener');
    return this.listener.listening ? indicator.up() : indicator.down({ reason: 'not listening' });
  }

  private async kubernetesApi(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('kubernetesApi');
    const { reachable, reason, version } = await this.kubeApi.check();
    return reachable ? indicator.up({ version }) : indicator.down({ reason });
  }
}
