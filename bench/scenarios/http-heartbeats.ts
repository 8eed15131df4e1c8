import { type BenchContext } from '../lib/bench-context.js';
import { type GeneratorProcess } from '../lib/generator-process.js';
import { measurement, runNotes, type Side } from './measure.js';
import { cpuPerMessage, pooledMeasurement, pooledRate, roundOrder, type Run } from './rounds.js';
import { judge, round, type Scenario, type ScenarioResult } from './scenario.types.js';

/** The target: server ÷ minimal-OpAMP baseline, ratio of sums over all rounds (issue 13). */
export const HTTP_TARGET_RATIO = 0.85;

/** Rounds of a full run (at least 6, issue 13) and of a quick one. */
export const HTTP_ROUNDS = { full: 6, quick: 2 } as const;

/**
 * Closed-loop HTTP keep-alive load: heartbeats from many agents. The minimal-OpAMP baseline, the bare route
 * and the server are measured in rounds whose order alternates (baseline first in odd rounds, server first
 * in even ones; this machine's speed drifts by ±20 % over a minute). The headline ratio is the ratio of sums
 * over all rounds: Σ server messages ÷ Σ server time against the same for the baseline. Every round is
 * published in `details.rounds`.
 */
export const httpHeartbeats: Scenario = {
  name: 'http-heartbeats',
  title: 'HTTP heartbeats (keep-alive, closed loop)',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const connections = ctx.size(64, 32);
    const agentsPerConnection = ctx.size(50, 20);
    const rounds = ctx.size(HTTP_ROUNDS.full, HTTP_ROUNDS.quick);
    const timing = { warmupMs: ctx.size(2000, 600), measureMs: ctx.size(5000, 1200) };
    const agents = connections * agentsPerConnection;
    const server = await ctx.server('default');
    const targets: Record<Side, { url: string; pid: number; firstIndex: number }> = {
      baseline: { url: ctx.baseline.opampUrl, pid: ctx.baseline.pid, firstIndex: ctx.agentIndexes(agents) },
      bare: { url: ctx.baseline.bareOpampUrl, pid: ctx.baseline.pid, firstIndex: ctx.agentIndexes(agents) },
      server: { url: server.opampUrl, pid: server.pid, firstIndex: ctx.agentIndexes(agents) },
    };
    // One generator process for every round (a new one would pay its start-up each time).
    const generator: GeneratorProcess = ctx.generator('http-load');
    const runSide = (side: Side): Promise<Run> =>
      generator.run(
        {
          type: 'http-run',
          url: targets[side].url,
          connections,
          agentsPerConnection,
          flavor: 'collector',
          firstIndex: targets[side].firstIndex,
          salt: ctx.salt,
          statusEvery: 20,
          ...timing,
        },
        { server: targets[side].pid, generator: generator.pid },
      );
    const runs: Record<Side, Run[]> = { baseline: [], bare: [], server: [] };
    try {
      for (let index = 0; index < rounds; index++) {
        for (const side of roundOrder(index)) runs[side].push(await runSide(side));
      }
    } finally {
      await ctx.stopGenerator(generator);
    }
    const measured = pooledMeasurement(runs.server, 'server');
    const baseline = pooledMeasurement(runs.baseline, 'baseline');
    const bareRoute = pooledMeasurement(runs.bare, 'bare');
    const ratio = round(pooledRate(runs.server) / pooledRate(runs.baseline), 3);
    const bareRatio = round(pooledRate(runs.server) / pooledRate(runs.bare), 3);
    const saturated = [measured, baseline].some((m) => m.generatorBound === true);
    const rate = (run: Run): number => Math.round(run.result.messages / (run.result.durationMs / 1000));
    const perRound = (side: Side): string => runs[side].map(rate).join(', ');
    const roundRatios = runs.server.map((run, i) => round(rate(run) / rate(runs.baseline[i]!), 2));
    return {
      name: this.name,
      title: this.title,
      agents,
      real: measured,
      baseline,
      bareRoute,
      ratio,
      ratioOf: 'messages/s, Σ over all rounds (server ÷ minimal-OpAMP baseline)',
      bareRatio,
      settings: { rounds, connections, agentsPerConnection, ...timing },
      targets: [
        judge(
          `HTTP heartbeat throughput ≥ ${HTTP_TARGET_RATIO} × the minimal-OpAMP baseline`,
          `${ratio}× over ${rounds} rounds`,
          ratio >= HTTP_TARGET_RATIO,
          saturated,
        ),
      ],
      notes: [
        `${connections} keep-alive connections × ${agentsPerConnection} agents each, a health change every 20 messages; ${rounds} rounds, order alternating (baseline first in odd rounds, server first in even ones); rows are sums over all rounds`,
        `msgs/s per round: minimal-OpAMP baseline ${perRound('baseline')}; bare route ${perRound('bare')}; server ${perRound('server')}; per-round server ÷ baseline ${roundRatios.join(', ')}`,
        `server ÷ bare route (fixed reply, nothing decoded): ${bareRatio}×`,
        `server CPU per message: bare route ${cpuPerMessage(runs.bare)} µs, minimal-OpAMP baseline ${cpuPerMessage(runs.baseline)} µs, server ${cpuPerMessage(runs.server)} µs (all threads)`,
        ...runs.baseline.flatMap((run) => runNotes('baseline', run.result)),
        ...runs.bare.flatMap((run) => runNotes('bare', run.result)),
        ...runs.server.flatMap((run) => runNotes('server', run.result)),
      ],
      details: {
        rounds: Array.from({ length: rounds }, (_, i) => ({
          round: i + 1,
          order: roundOrder(i),
          baseline: measurement(runs.baseline[i]!.result, runs.baseline[i]!.usage, 'baseline'),
          bareRoute: measurement(runs.bare[i]!.result, runs.bare[i]!.usage, 'bare'),
          server: measurement(runs.server[i]!.result, runs.server[i]!.usage, 'server'),
          ratio: roundRatios[i],
        })),
      },
    };
  },
};
