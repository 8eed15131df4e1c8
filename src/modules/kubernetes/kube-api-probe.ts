import { type KubeConfig, VersionApi } from '@kubernetes/client-node';
import { Injectable } from '@nestjs/common';
import { type Clock, InjectClock } from '../../common/clock.js';
import { callKubernetesApi } from './kube-api-deadline.js';
import { InjectKubeConfig } from './kubernetes.constants.js';

/** Whether the Kubernetes API answered, and why not when it did not. */
export interface KubeApiReachability {
  readonly reachable: boolean;
  /** Why it is not reachable (no configuration, a timeout, an HTTP error). */
  readonly reason?: string;
  /** `gitVersion` of the API server when it answered. */
  readonly version?: string;
}

/** How long one probe result is reused: readiness probes every few seconds cost one call per period. */
export const KUBE_PROBE_CACHE_MS = 5_000;
/** Deadline of the probe call. */
export const KUBE_PROBE_DEADLINE_MS = 2_000;

/**
 * Checks that the Kubernetes API answers, with a cheap `GET /version` through the injected `KubeConfig`.
 * Results are cached for {@link KUBE_PROBE_CACHE_MS}, and concurrent checks share one call.
 */
@Injectable()
export class KubeApiProbe {
  private last?: { at: number; result: KubeApiReachability };
  private inFlight?: Promise<KubeApiReachability>;

  constructor(
    @InjectKubeConfig() private readonly kubeConfig: KubeConfig | undefined,
    @InjectClock() private readonly clock: Clock,
  ) {}

  async check(): Promise<KubeApiReachability> {
    const now = this.clock.now();
    if (this.last && now - this.last.at < KUBE_PROBE_CACHE_MS) return this.last.result;
    this.inFlight ??= this.probe().finally(() => {
      this.inFlight = undefined;
    });
    const result = await this.inFlight;
    this.last = { at: this.clock.now(), result };
    return result;
  }

  private async probe(): Promise<KubeApiReachability> {
    if (!this.kubeConfig) return { reachable: false, reason: 'no Kubernetes client configuration' };
    try {
      const api = this.kubeConfig.makeApiClient(VersionApi);
      const info = await callKubernetesApi(
        { operation: 'GET /version', deadlineMs: KUBE_PROBE_DEADLINE_MS },
        (options) => api.getCode(undefined, options),
      );
      return { reachable: true, version: info.gitVersion };
    } catch (error) {
      return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
