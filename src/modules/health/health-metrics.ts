import { Gauge, type Registry } from 'prom-client';
import { type Readiness } from './readiness.service.js';

/**
 * `opamp_ready` (1 while the server can serve agents) and, in a cluster, `opamp_kubernetes_api_up` (1 while
 * the Kubernetes API answers): read at scrape time, so an API outage is visible without making probes fail.
 */
export function registerHealthMetrics(registry: Registry, readiness: Readiness): void {
  new Gauge({
    name: 'opamp_ready',
    help: 'Whether the server can serve agents (OpAMP listener up, not draining)',
    registers: [registry],
    async collect() {
      this.set((await readiness.check()).ready ? 1 : 0);
    },
  });
  if (!readiness.watchesKubernetes) return;
  new Gauge({
    name: 'opamp_kubernetes_api_up',
    help: 'Whether the Kubernetes API answered the last probe (GET /version, cached a few seconds)',
    registers: [registry],
    async collect() {
      this.set((await readiness.kubernetesApi()).status === 'up' ? 1 : 0);
    },
  });
}
