import { type OpampPluginHooks } from '../../plugin-api/index.js';

/**
 * Upper bounds, in seconds, of the buckets of asynchronous hook durations: 1 ms to 10 s (`PLUGIN_TIMEOUT_MS`
 * defaults to 2 s; a timed-out call is observed at the timeout).
 */
export const PLUGIN_HOOK_DURATION_BUCKETS_S: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** How a hook call failed: it did not settle within `PLUGIN_TIMEOUT_MS`, or it threw (not a ProtocolError). */
export type PluginHookFailure = 'timeout' | 'error';

/** The counts of one plugin's hook: a duration histogram of its asynchronous calls, and its failures. */
export interface PluginHookCell {
  readonly plugin: string;
  readonly hook: keyof OpampPluginHooks;
  /** Per bucket of {@link PLUGIN_HOOK_DURATION_BUCKETS_S} (not cumulative); slower calls are only in `count`. */
  readonly counts: Float64Array;
  /** Asynchronous calls timed, and their total duration in seconds. */
  count: number;
  sumS: number;
  /** Calls that failed, by how. */
  timeout: number;
  error: number;
}

/**
 * Counts of the plugin hooks `PluginHost` calls, for metrics: how long asynchronous calls take (a call that
 * answers synchronously is not timed: it cannot hang, and the fast path stays free of clocks) and how many
 * time out or throw. Plain numbers, read when `/metrics` is scraped.
 */
export class PluginHookStats {
  private readonly cells = new Map<string, PluginHookCell>();

  /** The counts of `plugin`'s `hook`, created on first use. */
  cell(plugin: string, hook: keyof OpampPluginHooks): PluginHookCell {
    const key = `${plugin}\u0000${hook}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = {
        plugin,
        hook,
        counts: new Float64Array(PLUGIN_HOOK_DURATION_BUCKETS_S.length),
        count: 0,
        sumS: 0,
        timeout: 0,
        error: 0,
      };
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** Records that an asynchronous call of `cell`'s hook took `seconds`. */
  observe(cell: PluginHookCell, seconds: number): void {
    const bounds = PLUGIN_HOOK_DURATION_BUCKETS_S;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= bounds[i]!) {
        cell.counts[i]!++;
        break;
      }
    }
    cell.count++;
    cell.sumS += seconds;
  }

  /** Records a failed call. */
  failed(cell: PluginHookCell, failure: PluginHookFailure): void {
    cell[failure]++;
  }

  /** Every plugin and hook that was timed or failed at least once. */
  all(): readonly PluginHookCell[] {
    return [...this.cells.values()];
  }
}
