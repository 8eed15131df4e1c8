import { type KubeConfig } from '@kubernetes/client-node';
import { Injectable } from '@nestjs/common';
import { InjectKubeConfig, KubeApiProbe } from '../kubernetes/index.js';
import { MessagePipeline } from '../session/index.js';
import { OpampListener } from '../transport/index.js';

/** One condition of a health answer. */
export interface HealthCondition {
  readonly status: 'up' | 'down';
  readonly [detail: string]: unknown;
}

/** A health answer: `ok` when every deciding condition is up; informative conditions never decide. */
export interface HealthReport {
  readonly status: 'ok' | 'error';
  readonly ready: boolean;
  /** Conditions that decide readiness. */
  readonly checks: Readonly<Record<string, HealthCondition>>;
  /** Conditions reported for operators that do not decide readiness (the Kubernetes API). */
  readonly conditions: Readonly<Record<string, HealthCondition>>;
}

/**
 * Whether this server can serve agents: its OpAMP listener accepts connections and it is not draining.
 * The Kubernetes API is reported as a condition of its own and never makes the server unready: the
 * write-behind queue rides out an API outage, and an outage would otherwise mark every node unready at once.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly listener: OpampListener,
    private readonly pipeline: MessagePipeline,
    private readonly kubeApi: KubeApiProbe,
    @InjectKubeConfig() private readonly kubeConfig: KubeConfig | undefined,
  ) {}

  async check(): Promise<HealthReport> {
    const checks: Record<string, HealthCondition> = {
      opampListener: this.listener.listening ? { status: 'up' } : { status: 'down', reason: 'not listening' },
      sessions: this.pipeline.draining
        ? { status: 'down', reason: 'draining: the server is shutting down' }
        : { status: 'up' },
    };
    const conditions: Record<string, HealthCondition> = {};
    if (this.kubeConfig) conditions.kubernetesApi = await this.kubernetesApi();
    const ready = Object.values(checks).every((check) => check.status === 'up');
    return { status: ready ? 'ok' : 'error', ready, checks, conditions };
  }

  /** The Kubernetes API's reachability (probed at most every few seconds). */
  async kubernetesApi(): Promise<HealthCondition> {
    const { reachable, reason, version } = await this.kubeApi.check();
    return reachable ? { status: 'up', version } : { status: 'down', reason };
  }

  /** Whether there is a Kubernetes API to report on. */
  get watchesKubernetes(): boolean {
    return this.kubeConfig !== undefined;
  }
}
