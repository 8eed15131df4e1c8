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

/** First-message storm with the Odigos plugin placing every agent through the (fake) Kubernetes API. */
export const odigosStorm: Scenario = {
  name: 'storm-odigos',
  title: 'First-message storm, PLUGINS=odigos with enrichment',
  async run(ctx) {
    const agents = ctx.size(10_000, 1000);
    const baseFirst = ctx.agentIndexes(agents);
    const realFirst = ctx.agentIndexes(agents);
    // Pods for every index up to the last agent (the pod of an agent follows from its index).
    const cluster = await FakeCluster.start(realFirst + agents);
    try {
      const server = await ctx.server('odigos-memory', { env: cluster.serverEnv('memory') });
      const before = cluster.requestCount;
      const base = await storm(ctx, ctx.baseline.wsUrl, ctx.baseline.pid, agents, 'odigos', baseFirst);
      const real = await storm(ctx, server.wsUrl, server.pid, agents, 'odigos', realFirst);
      const podCalls = cluster.api.requests.slice(before).filter((r) => r.resource === 'pods');
      const podReads = podCalls.filter((r) => r.verb === 'get').length;
      const podLists = podCalls.filter((r) => r.verb === 'list').length;
      await ctx.stopServer('odigos-memory');
      return stormResult(
        this,
        agents,
        base,
        real,
        [
          `agents identified by their Kubernetes attributes, in ${agents / 10} pods of the server's node; the fake API server runs in the bench process`,
          `pod reads (get) from the API during both storms: ${podReads}; pod lists: ${podLists} (the node's pods are watched)`,
        ],
        { podReads, podLists },
      );
    } finally {
      await cluster.close();
    }
  },
};
