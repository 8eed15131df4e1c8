import { type RunResult } from '../lib/generator-protocol.js';
import { type ProcessUsage } from '../lib/proc-stats.js';
import { GENERATOR_BOUND_CORES, round, type Measurement } from './scenario.types.js';

/** Who answered: the real server, the minimal-OpAMP baseline, or the bare route. */
export type Side = 'server' | 'baseline' | 'bare';

/** A {@link Measurement} from a timed run and the usage of the server and the generator. */
export function measurement(
  result: RunResult,
  usage: Record<string, ProcessUsage>,
  side: Side = 'server',
): Measurement {
  const server = usage.server;
  const generator = usage.generator;
  return {
    msgsPerS: round(result.messages / (result.durationMs / 1000), 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    ...(server
      ? { serverCpu: round(server.cpuCores), serverRssMb: round(server.rssBytes / 1048576, 1) }
      : {}),
    ...(generator
      ? {
          generatorCpu: round(generator.cpuCores),
          generatorBound: generator.cpuCores >= GENERATOR_BOUND_CORES,
        }
      : {}),
    // The bare route answers one fixed reply; the minimal-OpAMP baseline echoes the uid but tracks no sequence.
    errors:
      side === 'bare'
        ? result.errors
        : side === 'baseline'
          ? result.errors + result.counters.wrongUid
          : result.errors +
            result.counters.errorReplies +
            result.counters.wrongUid +
            result.counters.fullStateRequests,
  };
}

/** Notes worth printing about a run (errors, full-state requests, unanswered messages). */
export function runNotes(side: Side, result: RunResult): string[] {
  const notes: string[] = [];
  const { counters } = result;
  if (result.errors > 0) notes.push(`${side}: ${result.errors} failed requests or sends`);
  if (side === 'bare') return notes;
  if (side === 'baseline') {
    if (counters.wrongUid > 0) notes.push(`${side}: ${counters.wrongUid} replies for the wrong instance uid`);
    return notes;
  }
  if (counters.errorReplies > 0) notes.push(`${side}: ${counters.errorReplies} ServerErrorResponse replies`);
  if (counters.fullStateRequests > 0)
    notes.push(`${side}: ${counters.fullStateRequests} unexpected ReportFullState requests`);
  if (counters.wrongUid > 0) notes.push(`${side}: ${counters.wrongUid} replies for the wrong instance uid`);
  if (result.maxSendLagMs > 50)
    notes.push(`${side}: generator fell up to ${round(result.maxSendLagMs, 0)} ms behind`);
  return notes;
}

/** `value` with 1 decimal and the unit. */
export const fmt = (value: number | undefined, unit = ''): string =>
  value === undefined ? '-' : `${round(value, value >= 100 ? 0 : 1)}${unit}`;
