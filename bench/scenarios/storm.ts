import { FakeCluster } from '../lib/fake-cluster.js';
import { busiestGeneratorCpu } from '../lib/generator-bound.js';
import { type AgentFlavor } from '../lib/simulated-agent.js';
import { sleep } from '../lib/sleep.js';
import { stormFigures, type StormFigures } from '../lib/storm-figures.js';
import { WsLoadFleet, type FleetStorm } from '../lib/ws-load-fleet.js';
import { judge, round, type Measurement, type Scenario, type ScenarioResult } from './scenario.types.js';

/** Generator processes a storm's agents are spread over. */
const STORM_GENERATORS = 2;
/** Pause after a storm's sockets are closed, so the next storm does not meet the closes' work. */
const SETTLE_MS = 500;

type Side = 'baseline' | 'server';

/** Where one side's storms go: its WebSocket URL and the process to measure. */
interface StormTarget {
  readonly url: string;
  readonly pid: number;
}

/** Storms of both sides: the warm-up storm of each, then the measured rounds in alternating order. */
interface StormRounds {
  readonly warmup: Readonly<Record<Side, FleetStorm>>;
  readonly rounds: Readonly<Record<Side, readonly FleetStorm[]>>;
}

/**
 * Every agent connects at once and sends its full state; measured until the last first reply. The agents
 * come from `fleet`'s processes; their sockets are closed afterwards.
 */
async function storm(
  fleet: WsLoadFleet,
  target: StormTarget,
  agents: number,
  flavor: AgentFlavor,
  firstIndex: number,
): Promise<FleetStorm> {
  const result = await fleet.storm(target.url, target.pid, agents, { flavor, firstIndex });
  await fleet.close();
  await sleep(SETTLE_MS);
  return result;
}

/**
 * One unmeasured warm-up storm per side (the server's code is cold in its first storm: JIT, caches), then
 * `rounds` storms per side whose order alternates (baseline first in odd rounds), all of `agents` agents
 * with fresh indexes from `nextIndex`.
 */
async function stormRounds(
  fleet: WsLoadFleet,
  targets: Readonly<Record<Side, StormTarget>>,
  agents: number,
  flavor: AgentFlavor,
  rounds: number,
  nextIndex: (count: number) => number,
): Promise<StormRounds> {
  const run = (side: Side): Promise<FleetStorm> =>
    storm(fleet, targets[side], agents, flavor, nextIndex(agents));
  const warmup = { baseline: await run('baseline'), server: await run('server') };
  const measured: Record<Side, FleetStorm[]> = { baseline: [], server: [] };
  for (let index = 0; index < rounds; index++) {
    const order: Side[] = index % 2 === 0 ? ['baseline', 'server'] : ['server', 'baseline'];
    for (const side of order) measured[side].push(await run(side));
  }
  return { warmup, rounds: measured };
}

function stormMeasurement(figures: StormFigures): Measurement {
  const { result } = figures;
  return {
    msgsPerS: round(result.connected / (result.durationMs / 1000), 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    durationMs: round(result.durationMs, 0),
    serverCpu: round(figures.serverCpu),
    serverRssMb: round(figures.serverPeakRssBytes / 1048576, 1),
    generatorCpu: round(busiestGeneratorCpu(figures.generators)),
    generatorBound: figures.generatorBound,
    errors: result.failed + result.counters.errorReplies,
  };
}

const ms = (storms: readonly FleetStorm[]): string =>
  storms.map((s) => Math.round(s.result.durationMs)).join(', ');
const cpuPerProcess = (storms: readonly FleetStorm[]): string =>
  storms.map((s) => s.members.map((m) => Math.round(m.usage.cpuCores * 100)).join('/')).join(', ');

const pooledCpu = (storms: readonly FleetStorm[]): string =>
  stormFigures(storms)
    .generators.map((g) => Math.round(g.cpuCores * 100))
    .join('/');
const overflows = (storms: readonly FleetStorm[]): string =>
  storms.map((s) => s.listenOverflows ?? '-').join(', ');

/** Notes every storm scenario prints: the rounds, the cold warm-up storms, each generator process's CPU. */
function roundNotes(fleet: WsLoadFleet, agents: number, storms: StormRounds): string[] {
  const { warmup, rounds } = storms;
  const count = rounds.server.length;
  return [
    `${count} round${count === 1 ? '' : 's'} of ${agents} agents after one warm-up storm per side (not counted), order alternating (baseline first in odd rounds); rows are sums over the rounds; storm ms per round: baseline ${ms(rounds.baseline)}, server ${ms(rounds.server)}`,
    `warm-up storms (cold server and generators, not counted): baseline ${ms([warmup.baseline])} ms (generators ${cpuPerProcess([warmup.baseline])} %, ${overflows([warmup.baseline])} listen-queue overflows), server ${ms([warmup.server])} ms (generators ${cpuPerProcess([warmup.server])} %, ${overflows([warmup.server])} overflows)`,
    `connections dropped on a full listen queue (machine-wide TcpExt ListenOverflows; each waits ≥ 1 s for a SYN-ACK retransmission) per round: baseline ${overflows(rounds.baseline)}; server ${overflows(rounds.server)}`,
    `agents spread over ${fleet.size} generator processes, all connecting at once; generator CPU per round (% of a core, each process): baseline ${cpuPerProcess(rounds.baseline)}; server ${cpuPerProcess(rounds.server)}; over all rounds: baseline ${pooledCpu(rounds.baseline)}, server ${pooledCpu(rounds.server)}`,
  ];
}

/** The result of `scenario` for `agents` agents, from both sides' measured rounds. */
function stormResult(
  scenario: Pick<Scenario, 'name' | 'title'>,
  agents: number,
  storms: StormRounds,
  notes: string[],
  details: Record<string, unknown> = {},
): ScenarioResult {
  const base = stormFigures(storms.rounds.baseline);
  const real = stormFigures(storms.rounds.server);
  const rounds = storms.rounds.server.length;
  const baseline = stormMeasurement(base);
  const measured = stormMeasurement(real);
  const failures = Object.entries(real.result.failures).map(([why, n]) => `${n}× ${why}`);
  if (failures.length > 0) notes.push(`server: connections failed: ${failures.join(', ')}`);
  if (real.result.counters.errorReplies > 0)
    notes.push(`server: ${real.result.counters.errorReplies} first messages refused`);
  const ratio = round(base.result.durationMs / real.result.durationMs, 3);
  const perRound = (list: readonly FleetStorm[]): number[] => list.map((s) => round(s.result.durationMs, 0));
  return {
    name: scenario.name,
    title: `${scenario.title}, ${agents.toLocaleString('en')} agents`,
    agents,
    real: measured,
    baseline,
    ratio,
    ratioOf: `storm duration (minimal-OpAMP baseline ÷ server${rounds > 1 ? `, Σ over ${rounds} rounds` : ''})`,
    settings: { rounds, concurrency: agents, generators: storms.rounds.server[0]!.members.length },
    targets: [
      judge(
        rounds === 1
          ? `all ${agents} agents served in the storm`
          : `all ${agents} agents served in each of ${rounds} storms`,
        `${real.result.connected}/${agents * rounds}`,
        real.result.connected === agents * rounds && real.result.counters.errorReplies === 0,
        real.generatorBound,
      ),
    ],
    notes,
    details: {
      ...details,
      rounds: { baselineMs: perRound(storms.rounds.baseline), serverMs: perRound(storms.rounds.server) },
      warmupMs: {
        baseline: round(storms.warmup.baseline.result.durationMs, 0),
        server: round(storms.warmup.server.result.durationMs, 0),
      },
      generators: { baseline: base.generators, server: real.generators },
    },
  };
}

/** Measured storms per side of the default-plugins storm, after its warm-up storm (10,000 agents each). */
const STORM_ROUNDS = 1;

/** First-message storm, default plugins. */
export const firstMessageStorm: Scenario = {
  name: 'storm',
  title: 'First-message storm (WebSocket, full state)',
  async run(ctx) {
    const agents = ctx.size(10_000, 1000);
    const server = await ctx.server('default');
    const fleet = await WsLoadFleet.start(ctx, STORM_GENERATORS);
    try {
      const storms = await stormRounds(
        fleet,
        {
          baseline: { url: ctx.baseline.wsUrl, pid: ctx.baseline.pid },
          server: { url: server.wsUrl, pid: server.pid },
        },
        agents,
        'collector',
        STORM_ROUNDS,
        (count) => ctx.agentIndexes(count),
      );
      return stormResult(this, agents, storms, [
        'latency is from sending the full state (once the WebSocket is open) to its reply; the storm time from the first connect to the last reply',
        ...roundNotes(fleet, agents, storms),
      ]);
    } finally {
      await fleet.stop();
    }
  },
};

/** Storms of the Odigos target: 1,000 agents, in rounds whose order alternates (baseline first, then server first). */
const ODIGOS_TARGET_AGENTS = 1000;
const ODIGOS_ROUNDS = { full: 4, quick: 2 } as const;
/** The Odigos storm must take at most 1 ÷ 0.8 of the baseline's time (issue 13). */
const ODIGOS_TARGET_RATIO = 0.8;

/** One 10,000-agent storm per side after the rounds (full runs only): reported, not judged. */
async function largeStorms(
  fleet: WsLoadFleet,
  targets: Readonly<Record<Side, StormTarget>>,
  large: number,
  nextIndex: (count: number) => number,
): Promise<{ note: string; details: Record<string, unknown> }> {
  const baseLarge = await storm(fleet, targets.baseline, large, 'odigos', nextIndex(large));
  const realLarge = await storm(fleet, targets.server, large, 'odigos', nextIndex(large));
  const m = stormMeasurement(stormFigures([realLarge]));
  const b = stormMeasurement(stormFigures([baseLarge]));
  const saturated = m.generatorBound === true || b.generatorBound === true;
  return {
    note: `${large} agents (one storm each, reported, not judged): server ${Math.round(realLarge.result.durationMs)} ms (p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ${realLarge.result.connected} served, generators ${cpuPerProcess([realLarge])} %), baseline ${Math.round(baseLarge.result.durationMs)} ms (generators ${cpuPerProcess([baseLarge])} %); listen-queue overflows: server ${overflows([realLarge])}, baseline ${overflows([baseLarge])}; ratio ${round(baseLarge.result.durationMs / realLarge.result.durationMs, 3)}×${saturated ? ' ⚠' : ''}`,
    details: { large: { agents: large, server: m, baseline: b } },
  };
}

/**
 * First-message storm with the Odigos plugin placing every agent through the (fake) Kubernetes API. The
 * target is judged on 1,000 agents over alternating rounds after a warm-up storm per side (ratio of summed
 * storm durations); a full run also reports one 10,000-agent storm per side.
 */
export const odigosStorm: Scenario = {
  name: 'storm-odigos',
  title: 'First-message storm, PLUGINS=odigos with enrichment',
  async run(ctx) {
    const agents = ODIGOS_TARGET_AGENTS;
    const rounds = ctx.size(ODIGOS_ROUNDS.full, ODIGOS_ROUNDS.quick);
    const large = ctx.size(10_000, 0);
    // The warm-up storm and the rounds of both sides, then the large storms.
    const total = agents * (rounds + 1) * 2 + large * 2;
    const first = ctx.agentIndexes(total);
    // Pods for every index up to the last agent (the pod of an agent follows from its index).
    const cluster = await FakeCluster.start(first + total);
    const fleet = await WsLoadFleet.start(ctx, STORM_GENERATORS);
    try {
      const server = await ctx.server('odigos-memory', { env: cluster.serverEnv('memory') });
      const before = cluster.requestCount;
      let next = first;
      const nextIndex = (count: number): number => {
        const from = next;
        next += count;
        return from;
      };
      const targets = {
        baseline: { url: ctx.baseline.wsUrl, pid: ctx.baseline.pid },
        server: { url: server.wsUrl, pid: server.pid },
      };
      const storms = await stormRounds(fleet, targets, agents, 'odigos', rounds, nextIndex);
      const notes = [
        ...roundNotes(fleet, agents, storms),
        `agents identified by their Kubernetes attributes, in pods of the server's node; the fake API server runs in the bench process`,
      ];
      let details: Record<string, unknown> = {};
      if (large > 0) {
        const reported = await largeStorms(fleet, targets, large, nextIndex);
        notes.push(reported.note);
        details = reported.details;
      }
      const podCalls = cluster.api.requests.slice(before).filter((r) => r.resource === 'pods');
      const podReads = podCalls.filter((r) => r.verb === 'get').length;
      const podLists = podCalls.filter((r) => r.verb === 'list').length;
      await ctx.stopServer('odigos-memory');
      notes.push(
        `pod reads (get) from the API during the storms: ${podReads}; pod lists: ${podLists} (the node's pods are watched)`,
      );
      const result = stormResult(this, agents, storms, notes, { podReads, podLists, ...details });
      const ratio = result.ratio ?? 0;
      return {
        ...result,
        targets: [
          ...result.targets,
          judge(
            `Odigos first-message storm ≥ ${ODIGOS_TARGET_RATIO} × the minimal-OpAMP baseline (${agents} agents)`,
            `${ratio}× over ${rounds} rounds`,
            ratio >= ODIGOS_TARGET_RATIO,
            result.real.generatorBound === true || result.baseline?.generatorBound === true,
          ),
        ],
      };
    } finally {
      await fleet.stop();
      await cluster.close();
    }
  },
};
