import { type BenchContext } from '../lib/bench-context.js';
import { FakeCluster } from '../lib/fake-cluster.js';
import { type ConnectResult } from '../lib/generator-protocol.js';
import { ProcessMonitor, type ProcessUsage } from '../lib/proc-stats.js';
import { type AgentFlavor } from '../lib/simulated-agent.js';
import { connectWsAgents } from '../lib/ws-agents.js';
import {
  GENERATOR_BOUND_CORES,
  judge,
  round,
  type Measurement,
  type Scenario,
  type ScenarioResult,
} from './scenario.types.js';

/** Every agent connects at once and sends its full state; measured until the last first reply. */
async function storm(
  ctx: BenchContext,
  url: string,
  serverPid: number,
  agents: number,
  flavor: AgentFlavor,
  firstIndex = ctx.agentIndexes(agents),
): Promise<{ result: ConnectResult; server: ProcessUsage; generator: ProcessUsage }> {
  const generator = ctx.generator('ws-load');
  try {
    // Let the generator process finish starting before the clock runs.
    await generator.request({ type: 'ws-config-report' }, 'config-report');
    const serverMonitor = new ProcessMonitor(serverPid);
    const generatorMonitor = new ProcessMonitor(generator.pid);
    serverMonitor.start();
    generatorMonitor.start();
    const result = await connectWsAgents(ctx, generator, url, agents, {
      concurrency: agents,
      flavor,
      firstIndex,
    });
    const server = serverMonitor.stop();
    const generatorUsage = generatorMonitor.stop();
    await generator.request({ type: 'ws-close', disconnect: false }, 'closed');
    return { result, server, generator: generatorUsage };
  } finally {
    await ctx.stopGenerator(generator);
  }
}

function stormMeasurement(side: Awaited<ReturnType<typeof storm>>): Measurement {
  const { result } = side;
  return {
    msgsPerS: round(result.connected / (result.durationMs / 1000), 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    durationMs: round(result.durationMs, 0),
    serverCpu: round(side.server.cpuCores),
    serverRssMb: round(side.server.peakRssBytes / 1048576, 1),
    generatorCpu: round(side.generator.cpuCores),
    generatorBound: side.generator.cpuCores >= GENERATOR_BOUND_CORES,
    errors: result.failed + result.counters.errorReplies,
  };
}

/** The result of `scenario` for `agents` agents, from both sides' storms. */
function stormResult(
  scenario: Pick<Scenario, 'name' | 'title'>,
  agents: number,
  base: Awaited<ReturnType<typeof storm>>,
  real: Awaited<ReturnType<typeof storm>>,
  notes: string[],
  details?: Record<string, unknown>,
): ScenarioResult {
  const baseline = stormMeasurement(base);
  const measured = stormMeasurement(real);
  const failures = Object.entries(real.result.failures).map(([why, n]) => `${n}× ${why}`);
  if (failures.length > 0) notes.push(`server: connections failed: ${failures.join(', ')}`);
  if (real.result.counters.errorReplies > 0)
    notes.push(`server: ${real.result.counters.errorReplies} first messages refused`);
  return {
    name: scenario.name,
    title: `${scenario.title}, ${agents.toLocaleString('en')} agents`,
    agents,
    real: measured,
    baseline,
    ratio: round(base.result.durationMs / real.result.durationMs, 3),
    ratioOf: 'storm duration (minimal-OpAMP baseline ÷ server)',
    settings: { rounds: 1, concurrency: agents },
    targets: [
      judge(
        `all ${agents} agents served in the storm`,
        `${real.result.connected}/${agents}`,
        real.result.connected === agents && real.result.counters.errorReplies === 0,
        measured.generatorBound === true,
      ),
    ],
    notes,
    ...(details ? { details } : {}),
  };
}

/** First-message storm, default plugins. */
export const firstMessageStorm: Scenario = {
  name: 'storm',
  title: 'First-message storm (WebSocket, full state)',
  async run(ctx) {
    const agents = ctx.size(10_000, 1000);
    const server = await ctx.server('default');
    const base = await storm(ctx, ctx.baseline.wsUrl, ctx.baseline.pid, agents, 'collector');
    const real = await storm(ctx, server.wsUrl, server.pid, agents, 'collector');
    return stormResult(this, agents, base, real, [
      'all connections opened at once; latency is connect → first reply',
    ]);
  },
};

/** Storms of the Odigos target: 1,000 agents, in rounds whose order alternates (baseline first, then server first). */
const ODIGOS_TARGET_AGENTS = 1000;
const ODIGOS_ROUNDS = { full: 4, quick: 2 } as const;
/** The Odigos storm must take at most 1 ÷ 0.8 of the baseline's time (issue 13). */
const ODIGOS_TARGET_RATIO = 0.8;

type StormRun = Awaited<ReturnType<typeof storm>>;

/** The runs of one side as one: durations and counts summed, latencies of the slowest run, CPU averaged. */
function pooled(runs: readonly StormRun[]): StormRun {
  const sum = (pick: (run: StormRun) => number): number => runs.reduce((total, run) => total + pick(run), 0);
  const worst = runs.reduce((a, b) => (b.result.latency.p99 > a.result.latency.p99 ? b : a));
  const seconds = sum((run) => run.result.durationMs) / 1000;
  const cores = (pick: (run: StormRun) => ProcessUsage): number =>
    sum((run) => pick(run).cpuCores * (run.result.durationMs / 1000)) / seconds;
  const failures: Record<string, number> = {};
  for (const run of runs)
    for (const [why, n] of Object.entries(run.result.failures)) failures[why] = (failures[why] ?? 0) + n;
  return {
    result: {
      ...worst.result,
      connected: sum((run) => run.result.connected),
      failed: sum((run) => run.result.failed),
      durationMs: sum((run) => run.result.durationMs),
      failures,
      counters: {
        ...worst.result.counters,
        errorReplies: sum((run) => run.result.counters.errorReplies),
      },
    },
    server: {
      ...worst.server,
      cpuCores: cores((run) => run.server),
      peakRssBytes: Math.max(...runs.map((run) => run.server.peakRssBytes)),
    },
    generator: { ...worst.generator, cpuCores: cores((run) => run.generator) },
  };
}

/**
 * First-message storm with the Odigos plugin placing every agent through the (fake) Kubernetes API. The
 * target is judged on 1,000 agents over alternating rounds (ratio of summed storm durations); a full run
 * also reports one 10,000-agent storm per side.
 */
export const odigosStorm: Scenario = {
  name: 'storm-odigos',
  title: 'First-message storm, PLUGINS=odigos with enrichment',
  async run(ctx) {
    const agents = ODIGOS_TARGET_AGENTS;
    const rounds = ctx.size(ODIGOS_ROUNDS.full, ODIGOS_ROUNDS.quick);
    const large = ctx.size(10_000, 0);
    const first = ctx.agentIndexes(agents * rounds * 2 + large * 2);
    // Pods for every index up to the last agent (the pod of an agent follows from its index).
    const cluster = await FakeCluster.start(first + agents * rounds * 2 + large * 2);
    try {
      const server = await ctx.server('odigos-memory', { env: cluster.serverEnv('memory') });
      const before = cluster.requestCount;
      let next = first;
      const side = (baseline: boolean, count: number): Promise<StormRun> => {
        const from = next;
        next += count;
        return baseline
          ? storm(ctx, ctx.baseline.wsUrl, ctx.baseline.pid, count, 'odigos', from)
          : storm(ctx, server.wsUrl, server.pid, count, 'odigos', from);
      };
      const runs = { baseline: [] as StormRun[], server: [] as StormRun[] };
      for (let index = 0; index < rounds; index++) {
        const order = index % 2 === 0 ? [true, false] : [false, true];
        for (const baseline of order)
          runs[baseline ? 'baseline' : 'server'].push(await side(baseline, agents));
      }
      const perRound = (list: StormRun[]): string =>
        list.map((run) => Math.round(run.result.durationMs)).join(', ');
      const notes = [
        `${rounds} rounds of ${agents} agents, order alternating (baseline first in odd rounds); rows are sums over the rounds; storm ms per round: baseline ${perRound(runs.baseline)}, server ${perRound(runs.server)}`,
        `agents identified by their Kubernetes attributes, in pods of the server's node; the fake API server runs in the bench process`,
      ];
      const details: Record<string, unknown> = {};
      if (large > 0) {
        const baseLarge = await side(true, large);
        const realLarge = await side(false, large);
        const m = stormMeasurement(realLarge);
        const b = stormMeasurement(baseLarge);
        const saturated = m.generatorBound === true || b.generatorBound === true;
        notes.push(
          `${large} agents (one storm each, reported, not judged): server ${Math.round(realLarge.result.durationMs)} ms (p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ${realLarge.result.connected} served), baseline ${Math.round(baseLarge.result.durationMs)} ms; ratio ${round(baseLarge.result.durationMs / realLarge.result.durationMs, 3)}×${saturated ? ' ⚠' : ''}`,
        );
        details.large = { agents: large, server: m, baseline: b };
      }
      const podCalls = cluster.api.requests.slice(before).filter((r) => r.resource === 'pods');
      const podReads = podCalls.filter((r) => r.verb === 'get').length;
      const podLists = podCalls.filter((r) => r.verb === 'list').length;
      await ctx.stopServer('odigos-memory');
      notes.push(
        `pod reads (get) from the API during the storms: ${podReads}; pod lists: ${podLists} (the node's pods are watched)`,
      );
      const base = pooled(runs.baseline);
      const real = pooled(runs.server);
      const result = stormResult(this, agents, base, real, notes, { podReads, podLists, rounds, ...details });
      const ratio = result.ratio ?? 0;
      return {
        ...result,
        settings: { ...result.settings, rounds },
        targets: [
          judge(
            `all ${agents} agents served in each of ${rounds} storms`,
            `${real.result.connected}/${agents * rounds}`,
            real.result.connected === agents * rounds && real.result.counters.errorReplies === 0,
            result.real.generatorBound === true,
          ),
          judge(
            `Odigos first-message storm ≥ ${ODIGOS_TARGET_RATIO} × the minimal-OpAMP baseline (${agents} agents)`,
            `${ratio}× over ${rounds} rounds`,
            ratio >= ODIGOS_TARGET_RATIO,
            result.real.generatorBound === true || result.baseline?.generatorBound === true,
          ),
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};
