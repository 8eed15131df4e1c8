import { type BenchContext } from '../lib/bench-context.js';
import { type GeneratorProcess } from '../lib/generator-process.js';
import { type RunResult } from '../lib/generator-protocol.js';
import { type ProcessUsage } from '../lib/proc-stats.js';
import { measurement, runNotes } from './measure.js';
import { round, type Measurement, type Scenario, type ScenarioResult } from './scenario.types.js';

type Run = { result: RunResult; usage: Record<string, ProcessUsage> };

/** CPU microseconds the server process spent per answered message. */
const cpuPerMessage = (run: Run): number =>
  Math.round(((run.usage.server?.cpuSeconds ?? 0) * 1e6) / Math.max(1, run.result.messages));

/** The run with the median throughput. */
function median(runs: readonly Run[]): Run {
  const sorted = [...runs].sort(
    (a, b) => a.result.messages / a.result.durationMs - b.result.messages / b.result.durationMs,
  );
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Closed-loop HTTP keep-alive load: heartbeats from many agents. The bare route and the server are
 * measured in alternating rounds (this machine's speed drifts by ±20 % over a minute): the rows show each
 * side's median round, the ratio is the median of the rounds' paired ratios.
 */
export const httpHeartbeats: Scenario = {
  name: 'http-heartbeats',
  title: 'HTTP heartbeats (keep-alive, closed loop)',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const connections = ctx.size(64, 32);
    const agentsPerConnection = ctx.size(50, 20);
    const rounds = ctx.size(5, 2);
    const timing = { warmupMs: ctx.size(2000, 600), measureMs: ctx.size(5000, 1200) };
    const agents = connections * agentsPerConnection;
    const server = await ctx.server('default');
    const baseIndex = ctx.agentIndexes(agents);
    const serverIndex = ctx.agentIndexes(agents);
    // One generator process for every round (a new one would pay its start-up each time).
    const generator: GeneratorProcess = ctx.generator('http-load');
    const side = (url: string, pid: number, firstIndex: number): Promise<Run> =>
      generator.run(
        {
          type: 'http-run',
          url,
          connections,
          agentsPerConnection,
          flavor: 'collector',
          firstIndex,
          salt: ctx.salt,
          statusEvery: 20,
          ...timing,
        },
        { server: pid, generator: generator.pid },
      );
    const baseRuns: Run[] = [];
    const serverRuns: Run[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        baseRuns.push(await side(ctx.baseline.opampUrl, ctx.baseline.pid, baseIndex));
        serverRuns.push(await side(server.opampUrl, server.pid, serverIndex));
      }
    } finally {
      await ctx.stopGenerator(generator);
    }
    const base = median(baseRuns);
    const real = median(serverRuns);
    const baseline = measurement(base.result, base.usage, 'baseline');
    const measured: Measurement = measurement(real.result, real.usage, 'server');
    // Each server round against the baseline round just before it, so slow drifts of the machine cancel.
    const rate = (run: Run): number => run.result.messages / run.result.durationMs;
    const paired = serverRuns.map((run, i) => rate(run) / rate(baseRuns[i]!)).sort((a, b) => a - b);
    const ratio = round(
      paired.length % 2 === 1
        ? paired[(paired.length - 1) / 2]!
        : (paired[paired.length / 2 - 1]! + paired[paired.length / 2]!) / 2,
      3,
    );
    const perRound = (runs: readonly Run[]): string =>
      runs.map((r) => Math.round(r.result.messages / (r.result.durationMs / 1000))).join(', ');
    return {
      name: this.name,
      title: this.title,
      agents,
      real: measured,
      baseline,
      ratio,
      ratioOf: "messages/s (median of the rounds' server ÷ bare-route ratios)",
      targets: [
        {
          description: 'HTTP heartbeat throughput ≥ 0.7 × the bare route',
          value: `${ratio}×`,
          met: ratio >= 0.7,
        },
      ],
      notes: [
        `${connections} keep-alive connections × ${agentsPerConnection} agents each, a health change every 20 messages; ${rounds} alternating round(s), median shown`,
        `msgs/s per round: bare route ${perRound(baseRuns)}; server ${perRound(serverRuns)}; ratios ${paired.map((r) => round(r, 2)).join(', ')}`,
        `server CPU per message: bare route ${cpuPerMessage(base)} µs, server ${cpuPerMessage(real)} µs (all threads)`,
        ...runNotes('baseline', base.result),
        ...runNotes('server', real.result),
      ],
      details: {
        baselineRounds: baseRuns.map((r) => measurement(r.result, r.usage, 'baseline')),
        serverRounds: serverRuns.map((r) => measurement(r.result, r.usage, 'server')),
      },
    };
  },
};
