import { Counter, type Registry } from 'prom-client';
import { type KubernetesStats } from '../kubernetes/index.js';

/**
 * Registers the Kubernetes access layer's series, read from `stats` at every scrape:
 * - `opamp_kubernetes_api_requests_total{verb,outcome}`: API calls (`get`, `list`, `watch`, `create`,
 *   `update`, `patch`, `delete`) by outcome (`ok`, `not-found`, `conflict`, `client-error`, `timeout`,
 *   `unreachable`, `throttled`, `server-error`);
 * - `opamp_kubernetes_watch_restarts_total{resource,reason}`: watches reopened (`expired`: relisted after
 *   410 Gone, `closed`: ended by the server, `error`: a list or watch failed).
 */
export function registerKubernetesMetrics(registry: Registry, stats: KubernetesStats): void {
  const registers = [registry];
  new Counter({
    name: 'opamp_kubernetes_api_requests_total',
    help: 'Kubernetes API calls by verb and outcome (ok, not-found, conflict, client-error, timeout, unreachable, throttled, server-error).',
    labelNames: ['verb', 'outcome'],
    registers,
    collect() {
      this.reset();
      for (const { verb, outcome, count } of stats.requests()) this.inc({ verb, outcome }, count);
    },
  });
  new Counter({
    name: 'opamp_kubernetes_watch_restarts_total',
    help: 'Kubernetes watches reopened, by resource and reason (expired: relisted after 410 Gone, closed: ended by the server, error: list or watch failed).',
    labelNames: ['resource', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const { resource, reason, count } of stats.watchRestarts()) this.inc({ resource, reason }, count);
    },
  });
}
