import { join } from 'node:path';
import { type RemoteMemory } from '../lib/inspector-client.js';
import { PROFILES_DIR } from '../lib/paths.js';
import { ProcessMonitor, sampleProcess, type ProcessUsage } from '../lib/proc-stats.js';
import { ServerProcess } from '../lib/server-process.js';
import { sleep } from '../lib/sleep.js';
import {
  crashed,
  GENERATOR_BOUND_CORES,
  judge,
  round,
  type ScenarioResult,
} from '../scenarios/scenario.types.js';
import { ScaleFleet, type FleetStatus } from './scale-fleet.js';
import { type ScaleOptions } from './scale-options.js';
import { projectFleet, type ScaleProjection } from './scale-projection.js';

const KIB = 1024;
const MIB = 1024 * 1024;
/** The issue's budget: RSS added per connected agent. */
export const RSS_BUDGET_KIB = 12;
/** The issue's latency target over the window. */
export const P99_TARGET_MS = 50;

/** Where the scale run's server logs go, and its profiles. */
export interface ScaleRunContext {
  readonly logDir: string;
  readonly salt: string;
}

/** Figures of the sustained window that the section and the projection read. */
export interface ScaleDetails {
  readonly rssPerAgentBeforeGcKiB: number;
  readonly rssPerAgentAfterGcKiB: number;
  readonly heapPerAgentKiB: number;
  readonly externalPerAgentKiB: number;
  readonly serverRssBeforeMiB: number;
  readonly serverRssWithAgentsMiB: number;
  readonly heapBeforeMiB: number;
  readonly heapWithAgentsMiB: number;
  readonly cpuCoresPer1000MsgsPerS: number;
  readonly generatorCpuCores: readonly number[];
  readonly connectS: number;
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly generatorTickLagMs: number;
  readonly projection: ScaleProjection;
}

/** Figures of the restart storm. */
export interface RestartDetails {
  readonly stopMs: number;
  readonly startMs: number;
  readonly allBackFromStopS?: number;
  readonly allBackFromReadyS?: number;
  readonly back: number;
  readonly inRegistry: number;
  readonly refusals: Readonly<Record<string, number>>;
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly reconnects: number;
  readonly serverRssFreshMiB: number;
  readonly serverPeakRssMiB: number;
  readonly peakRssPerAgentKiB: number;
  /** What the RSS was made of at the highest of the storm's memory readings (and when it was fresh). */
  readonly peakComposition?: MemoryComposition;
  readonly freshComposition?: MemoryComposition;
}

/** `process.memoryUsage()` split into the V8 heap, its young generation, buffers and the rest (native), MiB. */
export interface MemoryComposition {
  readonly rssMiB: number;
  readonly heapTotalMiB: number;
  readonly heapUsedMiB: number;
  readonly newSpaceMiB: number;
  readonly externalMiB: number;
  /** RSS outside the V8 heap and `external`: Node's and libuv's native allocations, code, stacks. */
  readonly otherMiB: number;
}

const compositionOf = (memory: RemoteMemory): MemoryComposition => ({
  rssMiB: round(memory.rss / MIB, 1),
  heapTotalMiB: round(memory.heapTotal / MIB, 1),
  heapUsedMiB: round(memory.heapUsed / MIB, 1),
  newSpaceMiB: round(memory.newSpace / MIB, 1),
  externalMiB: round(memory.external / MIB, 1),
  otherMiB: round((memory.rss - memory.heapTotal - memory.external) / MIB, 1),
});

const describeComposition = (c: MemoryComposition): string =>
  `RSS ${c.rssMiB} MiB = V8 heap ${c.heapTotalMiB} (used ${c.heapUsedMiB}, young generation ${c.newSpaceMiB}) + external ${c.externalMiB} + other native ${c.otherMiB}`;

/** Reads the server's memory every `everyMs` until stopped; keeps the reading with the highest RSS. */
function watchPeakMemory(
  server: ServerProcess,
  everyMs: number,
): { stop(): Promise<RemoteMemory | undefined> } {
  let peak: RemoteMemory | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      const memory = await server.inspector?.memoryUsage().catch(() => undefined);
      if (memory && (!peak || memory.rss > peak.rss)) peak = memory;
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

const perAgentKiB = (after: number, before: number, agents: number): number =>
  (after - before) / agents / KIB;
const kinds = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .map(([key, value]) => `${key} × ${value}`)
    .join(', ') || 'none';

/** `opamp_connected_agents{transport="websocket"}` of a server's `/metrics` (one scrape, after the window). */
async function registeredWebSocketAgents(server: ServerProcess): Promise<number> {
  const text = await server.metrics();
  const match = /^opamp_connected_agents\{transport="websocket"\} (\d+)/m.exec(text);
  return match ? Number(match[1]) : -1;
}

const startServer = (options: ScaleOptions, ctx: ScaleRunContext, name: string, ports?: ServerProcess) =>
  ServerProcess.start({
    // The server's defaults: nothing raised, nothing lowered (MAX_CONNECTIONS, heartbeat, rate limit).
    env: {},
    inspect: true,
    logFile: join(ctx.logDir, `server-${name}.log`),
    nodeArgs: options.cpuProf
      ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`, `--cpu-prof-name=${name}-${ctx.salt}.cpuprofile`]
      : [],
    ...(ports ? { opampPort: ports.opampPort, adminPort: ports.adminPort } : {}),
    // Start-up takes a few seconds on a quiet machine and half a minute on a loaded one.
    readyTimeoutMs: 120_000,
  });

/**
 * `--scale`: one server process with `agents` WebSocket agents (full state on connect, then a heartbeat every
 * 30 s) from several generator processes and loopback addresses; latency, CPU and memory over the window;
 * then the restart storm: the server stopped (SIGTERM, as an upgrade does) and started again on the same
 * port, and the fleet reconnecting with its backoff. Returns the two scenario results.
 */
export async function runScale(options: ScaleOptions, ctx: ScaleRunContext): Promise<ScenarioResult[]> {
  const { agents } = options;
  let server = await startServer(options, ctx, 'scale', undefined);
  const fleet = ScaleFleet.start({
    agents,
    processes: options.processes,
    heartbeatMs: options.heartbeatS * 1000,
    salt: ctx.salt,
    concurrency: 200,
  });
  const settings = {
    agents,
    generatorProcesses: options.processes,
    sourceAddresses: fleet.localAddresses.join(' '),
    heartbeatS: options.heartbeatS,
    warmupS: options.warmupS,
    windowS: options.windowS,
    restartDeadlineS: options.restartDeadlineS,
  };
  // Interrupted (Ctrl-C, a CI timeout): the servers and generators go too, not left holding 19,000 sockets.
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the server and the generators`);
    void Promise.allSettled([fleet.stop(), server.stop('SIGKILL')]).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    // Memory before: without a GC (what an operator sees) and after a forced full GC.
    await sleep(1000);
    const rssBeforeNoGc = sampleProcess(server.pid).rssBytes;
    const heapBefore = await server.inspector!.memoryAfterGc();
    const rssBefore = sampleProcess(server.pid).rssBytes;
    if (options.heapSnapshot) {
      // The snapshot with no agent: a census of the one with the fleet less this one is the per-agent cost.
      const file = join(ctx.logDir, 'scale-0.heapsnapshot');
      log(`heap snapshot: ${await server.inspector!.writeHeapSnapshot(file)}`);
    }

    log(`connecting ${agents} agents from ${options.processes} processes`);
    // About a minute for 19,000 on a quiet machine; a loaded one gets ten.
    const connect = await fleet.connect(server.wsUrl, 600_000);
    log(`connected ${connect.status.served}/${agents} in ${round(connect.durationMs / 1000, 1)} s`);
    await sleep(options.warmupS * 1000);

    const serverMonitor = new ProcessMonitor(server.pid);
    const generatorMonitors = fleet.pids.map((pid) => new ProcessMonitor(pid));
    await fleet.measureStart();
    serverMonitor.start();
    for (const monitor of generatorMonitors) monitor.start();
    log(`measuring ${options.windowS} s`);
    await sleep(options.windowS * 1000);
    const window = await fleet.status();
    const serverUsage = serverMonitor.stop();
    const generatorUsage = generatorMonitors.map((m) => m.stop());

    const rssWithNoGc = sampleProcess(server.pid).rssBytes;
    const heapWith = await server.inspector!.memoryAfterGc();
    const rssWith = sampleProcess(server.pid).rssBytes;
    const registered = await registeredWebSocketAgents(server);
    if (options.heapSnapshot) {
      const file = join(ctx.logDir, `scale-${agents}.heapsnapshot`);
      log(`heap snapshot: ${await server.inspector!.writeHeapSnapshot(file)}`);
    }

    const scale = scaleResult(options, settings, connect, window, registered, serverUsage, generatorUsage, {
      rssBeforeNoGc,
      rssBefore,
      rssWithNoGc,
      rssWith,
      heapBefore,
      heapWith,
    });

    if (options.noStorm) return [scale];
    log('restart storm: stopping the server');
    try {
      const storm = await restartStorm(options, ctx, server, fleet, scale, settings);
      server = storm.server;
      return [scale, storm.result];
    } catch (error) {
      // The sustained window's figures stand; the storm is a failed target of its own.
      const why = (error as Error).message ?? String(error);
      log(`restart storm CRASHED: ${(error as Error).stack ?? why}`);
      const stormCrash: ScenarioResult = {
        name: 'restart-storm',
        title: 'restart storm',
        agents,
        real: {},
        crashed: why,
        settings,
        targets: [crashed('restart-storm', why)],
        notes: [`crashed: ${why}`],
      };
      return [scale, stormCrash];
    }
  } finally {
    await fleet.close();
    await fleet.stop();
    await server.stop();
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
}

const log = (line: string): void => {
  process.stderr.write(`bench scale: ${line}\n`);
};

function scaleResult(
  options: ScaleOptions,
  settings: Record<string, number | string>,
  connect: { status: FleetStatus; durationMs: number },
  window: FleetStatus,
  registered: number,
  serverUsage: ProcessUsage,
  generatorUsage: readonly ProcessUsage[],
  memory: {
    rssBeforeNoGc: number;
    rssBefore: number;
    rssWithNoGc: number;
    rssWith: number;
    heapBefore: { heapUsed: number; external: number };
    heapWith: { heapUsed: number; external: number };
  },
): ScenarioResult {
  const { agents } = options;
  const connected = connect.status.served;
  const generatorCpu = Math.max(...generatorUsage.map((u) => u.cpuCores));
  const saturated = generatorCpu >= GENERATOR_BOUND_CORES;
  const msgsPerS = window.messages / options.windowS;
  const rssBeforeGc = perAgentKiB(memory.rssWithNoGc, memory.rssBeforeNoGc, connected);
  const rssAfterGc = perAgentKiB(memory.rssWith, memory.rssBefore, connected);
  const heap = perAgentKiB(memory.heapWith.heapUsed, memory.heapBefore.heapUsed, connected);
  // `external` already includes `arrayBuffers` (Node docs, process.memoryUsage()): counted alone.
  const external = perAgentKiB(memory.heapWith.external, memory.heapBefore.external, connected);
  const cpuPer1000 = msgsPerS > 0 ? serverUsage.cpuCores / (msgsPerS / 1000) : 0;
  const projection = projectFleet({
    agents: 100_000,
    heartbeatS: options.heartbeatS,
    rssBaseMiB: memory.rssBefore / MIB,
    rssPerAgentKiB: Math.max(rssBeforeGc, rssAfterGc),
    heapBaseMiB: memory.heapBefore.heapUsed / MIB,
    heapPerAgentKiB: heap,
    cpuCoresPer1000MsgsPerS: cpuPer1000,
  });
  const errors = window.errors + connect.status.errors + (agents - connected);
  const details: ScaleDetails = {
    rssPerAgentBeforeGcKiB: round(rssBeforeGc, 2),
    rssPerAgentAfterGcKiB: round(rssAfterGc, 2),
    heapPerAgentKiB: round(heap, 2),
    externalPerAgentKiB: round(external, 2),
    serverRssBeforeMiB: round(memory.rssBefore / MIB, 1),
    serverRssWithAgentsMiB: round(memory.rssWithNoGc / MIB, 1),
    heapBeforeMiB: round(memory.heapBefore.heapUsed / MIB, 1),
    heapWithAgentsMiB: round(memory.heapWith.heapUsed / MIB, 1),
    cpuCoresPer1000MsgsPerS: round(cpuPer1000, 3),
    generatorCpuCores: generatorUsage.map((u) => round(u.cpuCores, 2)),
    connectS: round(connect.durationMs / 1000, 1),
    errorKinds: { ...connect.status.errorKinds, ...window.errorKinds },
    generatorTickLagMs: window.maxTickLagMs,
    projection,
  };
  return {
    name: 'scale',
    title: `${agents.toLocaleString('en')} WebSocket agents on one server process, a heartbeat every ${options.heartbeatS} s`,
    agents,
    real: {
      msgsPerS: round(msgsPerS, 1),
      p50Ms: window.latency.p50,
      p99Ms: window.latency.p99,
      maxMs: window.latency.max,
      serverCpu: round(serverUsage.cpuCores, 3),
      serverRssMb: round(memory.rssWithNoGc / MIB, 1),
      generatorCpu: round(generatorCpu, 2),
      generatorBound: saturated,
      errors,
    },
    settings,
    targets: [
      judge(
        `all ${agents.toLocaleString('en')} agents connected and served, no error over the window`,
        `${connected}/${agents} connected (${connect.status.errors} failed attempts), ${window.errors} errors in the window, ${window.counters.errorReplies} error replies, ${window.served} served and ${registered} in the registry at the end`,
        connected === agents &&
          errors === 0 &&
          window.counters.errorReplies === 0 &&
          window.served === agents &&
          registered === agents,
      ),
      judge(
        `p99 < ${P99_TARGET_MS} ms over the ${options.windowS} s window`,
        `p99 ${window.latency.p99} ms (p50 ${window.latency.p50}, max ${window.latency.max}; ${window.messages} heartbeats)`,
        window.latency.p99 < P99_TARGET_MS && window.messages > 0,
        saturated,
      ),
      judge(
        `≤ ${RSS_BUDGET_KIB} KiB RSS added per agent (before and after a forced GC)`,
        `${round(rssBeforeGc, 1)} KiB before GC, ${round(rssAfterGc, 1)} KiB after`,
        Math.max(rssBeforeGc, rssAfterGc) <= RSS_BUDGET_KIB,
      ),
    ],
    notes: [
      `connected in ${details.connectS} s from ${settings.sourceAddresses}; errors: ${kinds(details.errorKinds)}`,
      `per agent: RSS ${details.rssPerAgentBeforeGcKiB} KiB before a forced GC, ${details.rssPerAgentAfterGcKiB} KiB after; JS heap ${details.heapPerAgentKiB} KiB, external ${details.externalPerAgentKiB} KiB (after the GC)`,
      `server CPU ${round(serverUsage.cpuCores * 100, 1)} % of a core at ${round(msgsPerS, 1)} msgs/s: ${details.cpuCoresPer1000MsgsPerS} cores per 1,000 msgs/s`,
      `generators' CPU ${details.generatorCpuCores.join(', ')} cores; their own ticker fell ${details.generatorTickLagMs} ms behind at worst`,
      `100,000 agents per process need about ${projection.rssMiB} MiB RSS, ${projection.cpuCores} cores at ${projection.msgsPerS} msgs/s and ${projection.openFiles} open files`,
    ],
    details: details as unknown as Record<string, unknown>,
  };
}

async function restartStorm(
  options: ScaleOptions,
  ctx: ScaleRunContext,
  old: ServerProcess,
  fleet: ScaleFleet,
  scale: ScenarioResult,
  settings: Record<string, number | string>,
): Promise<{ server: ServerProcess; result: ScenarioResult }> {
  const { agents } = options;
  await fleet.measureStart();
  const stoppedAt = performance.timeOrigin + performance.now();
  // Beyond SHUTDOWN_TIMEOUT_S (25 s by default), so the server's own drain decides how it ends.
  const exit = await old.stop('SIGTERM', 40_000);
  const startedAt = performance.now();
  const server = await startServer(options, ctx, 'scale-restarted', old);
  const startMs = performance.now() - startedAt;
  const readyAt = performance.timeOrigin + performance.now();
  const monitor = new ProcessMonitor(server.pid, 100);
  monitor.start();
  const rssFresh = sampleProcess(server.pid).rssBytes;
  const fresh = await server.inspector?.memoryUsage().catch(() => undefined);
  const peakMemory = watchPeakMemory(server, 250);
  const deadline = performance.now() + options.restartDeadlineS * 1000 + 30_000;
  let status = await fleet.status(stoppedAt);
  while (status.servedSince < agents && performance.now() < deadline) {
    await sleep(500);
    status = await fleet.status(stoppedAt);
  }
  // A little more: what the storm left behind settles, and the peak is seen.
  await sleep(2000);
  const usage = monitor.stop();
  const peakReading = await peakMemory.stop();
  const inRegistry = await registeredWebSocketAgents(server);
  const allBack = status.servedSince === agents && status.lastServedAtEpochMs !== undefined;
  const fromStopS = allBack ? (status.lastServedAtEpochMs! - stoppedAt) / 1000 : undefined;
  const fromReadyS = allBack ? (status.lastServedAtEpochMs! - readyAt) / 1000 : undefined;
  // Per agent that came back: a storm that brought few back must not look cheap.
  const peakPerAgent = perAgentKiB(usage.peakRssBytes, rssFresh, Math.max(1, status.servedSince));
  const details: RestartDetails = {
    stopMs: Math.round(exit.stopMs),
    startMs: Math.round(startMs),
    ...(fromStopS === undefined ? {} : { allBackFromStopS: round(fromStopS, 1) }),
    ...(fromReadyS === undefined ? {} : { allBackFromReadyS: round(fromReadyS, 1) }),
    back: status.servedSince,
    inRegistry,
    refusals: status.refusals,
    errorKinds: status.errorKinds,
    reconnects: status.reconnects,
    serverRssFreshMiB: round(rssFresh / MIB, 1),
    serverPeakRssMiB: round(usage.peakRssBytes / MIB, 1),
    peakRssPerAgentKiB: round(peakPerAgent, 2),
    ...(peakReading ? { peakComposition: compositionOf(peakReading) } : {}),
    ...(fresh ? { freshComposition: compositionOf(fresh) } : {}),
  };
  const steady = scale.details as unknown as ScaleDetails;
  return {
    server,
    result: {
      name: 'restart-storm',
      title: `The ${agents.toLocaleString('en')} agents reconnecting at once after a server restart`,
      agents,
      real: {
        durationMs: fromStopS === undefined ? undefined : Math.round(fromStopS * 1000),
        serverCpu: round(usage.cpuCores, 3),
        serverRssMb: details.serverPeakRssMiB,
      },
      settings,
      targets: [
        judge(
          `every agent served and in the registry within ${options.restartDeadlineS} s of the stop`,
          `${status.servedSince}/${agents} back${fromStopS === undefined ? '' : ` in ${round(fromStopS, 1)} s`}, ${inRegistry} in the registry`,
          allBack && fromStopS! <= options.restartDeadlineS && inRegistry === agents,
        ),
        judge(
          'no crash: the old server exits 0 on SIGTERM, the new one runs on',
          `exit ${exit.code ?? exit.signal} after ${details.stopMs} ms; new server ${server.running ? 'running' : 'dead'}`,
          exit.code === 0 && server.running,
        ),
        judge(
          `peak RSS during the storm ≤ ${RSS_BUDGET_KIB} KiB per agent`,
          `${details.peakRssPerAgentKiB} KiB per agent (steady state ${steady.rssPerAgentBeforeGcKiB} KiB)`,
          peakPerAgent <= RSS_BUDGET_KIB,
        ),
      ],
      notes: [
        `stop ${details.stopMs} ms (drain, 1001 to every socket), start ${details.startMs} ms; all back ${details.allBackFromStopS ?? '-'} s after the stop, ${details.allBackFromReadyS ?? '-'} s after the new server was ready`,
        `refusals (retried): ${kinds(details.refusals)}; connection errors while it was down (retried): ${kinds(details.errorKinds)}; ${details.reconnects} reconnect attempts`,
        `RSS ${details.serverRssFreshMiB} MiB fresh, ${details.serverPeakRssMiB} MiB at the peak`,
        ...(details.peakComposition
          ? [
              `at the highest memory reading (every 250 ms): ${describeComposition(details.peakComposition)}; fresh: ${details.freshComposition ? describeComposition(details.freshComposition) : '-'}`,
            ]
          : []),
      ],
      details: details as unknown as Record<string, unknown>,
    },
  };
}
