import { Counter, type Registry } from 'prom-client';
import { PLUGIN_HOOK_DURATION_BUCKETS_S, type PluginHookStats } from '../plugins/index.js';
import { CollectedHistogram } from './collected-histogram.js';

/**
 * Registers the plugin hook series, read from `stats` at every scrape:
 * - `opamp_plugin_hook_duration_seconds{plugin,hook}`: asynchronous hook calls (a hook that answers
 *   synchronously is not timed), a timed-out call observed at `PLUGIN_TIMEOUT_MS`;
 * - `opamp_plugin_hook_failures_total{plugin,hook,outcome}`: calls that timed out (`timeout`) or threw
 *   (`error`). A `ProtocolError` thrown on purpose is a refusal (`opamp_refusals_total`), not a failure.
 */
export function registerPluginHookMetrics(registry: Registry, stats: PluginHookStats): void {
  new CollectedHistogram(
    'opamp_plugin_hook_duration_seconds',
    'Duration of asynchronous plugin hook calls, by plugin and hook.',
    PLUGIN_HOOK_DURATION_BUCKETS_S,
    function* () {
      for (const cell of stats.all()) {
        if (cell.count === 0) continue;
        let running = 0;
        const cumulative = Array.from(cell.counts, (count) => (running += count));
        yield {
          labels: { plugin: cell.plugin, hook: cell.hook },
          cumulative,
          sum: cell.sumS,
          count: cell.count,
        };
      }
    },
    registry,
  );
  new Counter({
    name: 'opamp_plugin_hook_failures_total',
    help: 'Plugin hook calls that timed out (PLUGIN_TIMEOUT_MS) or threw, by plugin, hook and outcome (timeout, error).',
    labelNames: ['plugin', 'hook', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cell of stats.all()) {
        const labels = { plugin: cell.plugin, hook: cell.hook };
        if (cell.timeout > 0) this.inc({ ...labels, outcome: 'timeout' }, cell.timeout);
        if (cell.error > 0) this.inc({ ...labels, outcome: 'error' }, cell.error);
      }
    },
  });
}
