/**
 * `npm run soak [-- --minutes N] [--ws-agents N] [--http-agents N] [--heap-snapshots DIR]`: runs `node dist/main.js` for N minutes
 * (default 10) under agent churn — WebSocket and HTTP agents sending one message a second, a health change
 * every 10th (the agents' phases spread), 1 % of them replaced every second (agent_disconnect, a plain close, an abrupt drop, or an HTTP
 * agent that just stops and goes stale), a config rolled out to everyone every minute — and samples the
 * server's heap after a full GC every 30 s (also without compiled code, V8's code spaces and bytecode: the data heap). The agents are Odigos agents (the WebSocket ones also accept
 * remote config), identified by the odigos plugin and persisted as InstrumentationInstances
 * (`PERSISTENCE=kubernetes`) on the fake API server, which runs in this process.
 * The server runs on its default settings: only the test fixtures it needs (the fake API server's
 * kubeconfig, the odigos plugin, Kubernetes persistence) are set.
 *
 * Fails on (each stated in the output and bench/README.md):
 * - unanswered messages: sent minus answered > 0 at the end (messages an agent abandoned by leaving are not
 *   counted; a message still in flight gets {@link DRAIN_MS} to be answered);
 * - a persistence queue that keeps growing: its backlog — the depth just before a second's messages go out,
 *   i.e. what the last second left unwritten, read every {@link QUEUE_SAMPLE_MS} — rises from each quarter of the
 *   steady run to the next, or it or the depth right after a second's messages ends above
 *   {@link QUEUE_DEPTH_BOUND}. (The depth right after the messages is the part of that second's writes still
 *   in flight: bounded by one second's writes while the backlog is 0, its level follows the store's latency,
 *   which this process's fake API server sets; its quarter means are reported, not judged on rising.);
 * - configs received but not applied: an agent still connected holds a remote config it has not reported
 *   APPLIED in its RemoteConfigStatus (the agents' reports are counted, not the receipts);
 * - data-heap growth: least-squares slope after the first minute above {@link DATA_HEAP_SLOPE_MIB_PER_MIN}
 *   (judged over at least {@link SLOPE_MIN_MINUTES} minutes), or more than {@link DATA_HEAP_GROWTH_MIB} from the
 *   first steady sample to the last;
 * - a failed record write, or a record left once every agent has left or gone stale.
 * Writes bench/results/soak-latest.json.
 */
import { machineInfo } from './lib/machine.js';
import { provenance } from './lib/provenance.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { WebSocket, type RawData } from 'ws';
import { AgentToServer, RemoteConfigStatuses } from '../src/generated/opamp/v1/opamp.js';
import { FakeCluster } from './lib/fake-cluster.js';
import { dataHeapBytes } from './lib/inspector-client.js';
import { HttpPoster } from './lib/http-poster.js';
import { RESULTS_DIR } from './lib/paths.js';
import { ServerProcess } from './lib/server-process.js';
import { COLLECTOR_CAPABILITIES, newCounters, SimulatedAgent } from './lib/simulated-agent.js';
import { sleep, waitFor } from './lib/sleep.js';

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const minutes = option('minutes', 10);
// Which code and machine the result measured (taken before the run: the run writes results files).
const measuredCode = provenance();
const wsAgents = option('ws-agents', 400);
const httpAgents = option('http-agents', 100);
const sampleEveryMs = option('sample-every-s', 30) * 1000;
// --heap-snapshots DIR: also write the server's heap snapshots at the first steady sample and at the end.
const snapshotArg = process.argv.indexOf('--heap-snapshots');
const snapshotDir = snapshotArg >= 0 ? process.argv[snapshotArg + 1] : undefined;
const writeSnapshot = async (name: string): Promise<void> => {
  mkdirSync(snapshotDir!, { recursive: true });
  await server.inspector!.writeHeapSnapshot(resolve(snapshotDir!, `soak-${name}.heapsnapshot`));
};
const MIB = 1024 * 1024;
const HEADER = Buffer.from([0]);
const APPLIED = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;

/**
 * A health change every this many messages. The agents' phases are spread: agents started together would
 * otherwise all change on the same second, a 10 s cycle the 1 % churn takes minutes to even out, which a
 * queue-depth sample reads as a rising queue.
 */
const STATUS_EVERY = 10;
/** Time the messages still in flight at the end get to be answered. */
const DRAIN_MS = 10_000;
/** How often the persistence queue depth is read. */
const QUEUE_SAMPLE_MS = 5000;
/** The queue depth the run may end with (before every agent leaves). */
const QUEUE_DEPTH_BOUND = 100;
/** Data-heap slope (least squares after the first minute) the run may show, MiB per minute. */
const DATA_HEAP_SLOPE_MIB_PER_MIN = 0.1;
/** The slope is judged only over a window at least this long (shorter windows are noise). */
const SLOPE_MIN_MINUTES = 4;
/** Growth of the data heap from the first steady sample to the last the run may show, MiB. */
const DATA_HEAP_GROWTH_MIB = 3;
/**
 * The server's defaults (docs/configuration.md): `STALE_AFTER_S` 75 and `SWEEP_INTERVAL_S` 30 — how long a
 * silent HTTP agent or a closed WebSocket agent's record may live after it left.
 */
const STALE_AFTER_S = 75;
const SWEEP_INTERVAL_S = 30;

const counters = newCounters();
let nextIndex = 0;
const stats = {
  sent: 0,
  replies: 0,
  /** Sent by an agent that then left before the answer came: not expected to be answered. */
  abandoned: 0,
  /** Messages the server sent on its own (remote configs pushed over WebSocket), not answers. */
  pushes: 0,
  httpErrors: 0,
  joined: 0,
  left: { disconnect: 0, close: 0, drop: 0, silent: 0 },
  /** Messages reporting RemoteConfigStatus APPLIED (what agents reported, not what they received). */
  appliedReports: 0,
  /** Agents that left holding a config they had not reported APPLIED yet. */
  leftBeforeApplying: 0,
};

interface SoakAgent {
  readonly agent: SimulatedAgent;
  /** Messages sent and not answered yet. */
  readonly outstanding: number;
  /** A remote config received and not yet reported APPLIED. */
  readonly configPending: boolean;
  tick(): void;
  leave(): void;
}

/** The agent's next message, encoded; counts APPLIED reports and clears the pending config. */
function nextMessage(agent: SimulatedAgent, clear: () => void): Uint8Array {
  const message = agent.nextMessage();
  if (
    message.remoteConfigStatus?.status === APPLIED &&
    message.remoteConfigStatus.lastRemoteConfigHash.length > 0
  ) {
    stats.appliedReports++;
    clear();
  }
  return AgentToServer.encode(message).finish();
}

/** The next Odigos agent, its health changes in a phase of its own. */
function nextSimulatedAgent(capabilities?: bigint): SimulatedAgent {
  const index = nextIndex++;
  return new SimulatedAgent(
    index,
    'odigos',
    STATUS_EVERY,
    'soak',
    counters,
    capabilities,
    index % STATUS_EVERY,
  );
}

function wsAgent(url: string): SoakAgent {
  // Identified as Odigos agents are, but accepting remote config, so the rollouts reach them.
  const agent = nextSimulatedAgent(COLLECTOR_CAPABILITIES);
  const socket = new WebSocket(url, { perMessageDeflate: false });
  let outstanding = 0;
  let configPending = false;
  let gone = false;
  const send = (bytes: Uint8Array, expectAnswer = true): void => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (expectAnswer) {
      stats.sent++;
      outstanding++;
    }
    socket.send(Buffer.concat([HEADER, bytes]));
  };
  const next = (): Uint8Array => nextMessage(agent, () => (configPending = false));
  socket.on('open', () => send(next()));
  socket.on('message', (data: RawData) => {
    if (gone) return;
    // OpAMP has no request ids: a message while none is outstanding is a push (a remote config).
    if (outstanding > 0) {
      outstanding--;
      stats.replies++;
    } else stats.pushes++;
    const reply = agent.onReplyBytes((data as Buffer).subarray(1));
    if (reply.remoteConfig) {
      configPending = true;
      send(next()); // report the config applied
    }
  });
  socket.on('error', () => undefined);
  return {
    agent,
    get outstanding() {
      return outstanding;
    },
    get configPending() {
      return configPending;
    },
    tick: () => send(next()),
    leave: () => {
      const mode = Math.random();
      if (mode < 0.5) {
        // agent_disconnect and close at once, as a stopping agent does: no answer is awaited.
        send(agent.disconnect(), false);
        socket.close();
        stats.left.disconnect++;
      } else if (mode < 0.8) {
        socket.close();
        stats.left.close++;
      } else {
        socket.terminate();
        stats.left.drop++;
      }
      gone = true;
      stats.abandoned += outstanding;
      if (configPending) stats.leftBeforeApplying++;
      outstanding = 0;
    },
  };
}

function httpAgent(poster: HttpPoster): SoakAgent {
  const agent = nextSimulatedAgent();
  let outstanding = 0;
  const post = (bytes: Uint8Array): void => {
    outstanding++;
    stats.sent++;
    poster
      .post(bytes)
      .then((reply) => {
        stats.replies++;
        if (reply.status === 200) agent.onReplyBytes(reply.body);
        else stats.httpErrors++;
      })
      .catch(() => stats.httpErrors++)
      .finally(() => outstanding--);
  };
  return {
    agent,
    get outstanding() {
      return outstanding;
    },
    configPending: false, // HTTP agents here do not accept remote config (capabilities 0)
    tick: () => {
      if (outstanding === 0) post(agent.next());
    },
    leave: () => {
      if (Math.random() < 0.5) {
        post(agent.disconnect());
        stats.left.disconnect++;
      } else {
        stats.left.silent++; // goes stale
      }
    },
  };
}

// Pods for every agent index the churn can reach (1 % of the agents a second), with room to spare.
// The soak never counts API requests: a log of every one would grow this process for the whole run.
const cluster = await FakeCluster.start(Math.ceil((wsAgents + httpAgents) * (1 + 0.6 * minutes)) + 100, {
  recordRequests: false,
});
const server = await ServerProcess.start({
  logFile: join(tmpdir(), `opamp-soak-${process.pid}.log`),
  inspect: true,
  // Default settings: only the fixtures (the fake API server, the odigos plugin, Kubernetes persistence).
  env: cluster.serverEnv('kubernetes'),
});
const poster = new HttpPoster(server.opampUrl, 64);
const agents: SoakAgent[] = [];
for (let i = 0; i < wsAgents; i++) agents.push(wsAgent(server.wsUrl));
for (let i = 0; i < httpAgents; i++) agents.push(httpAgent(poster));

const started = performance.now();
const endAt = started + minutes * 60_000;
const samples: Array<{
  minute: number;
  heapUsedMiB: number;
  /** Heap used minus compiled code: code spaces and bytecode (which grow while the process reaches new code). */
  dataHeapMiB: number;
  rssMiB: number;
  agents: number;
  records: number;
  queueDepth: number;
  /** Why the queue is as deep as it is: the store's answers and this (generator and API) process's health. */
  writesPerS: number;
  meanWriteMs: number;
  writeConcurrency: number;
  oldestPendingS: number;
  benchLoopDelayP99Ms: number;
  benchHeapMiB: number;
}> = [];
let lastSample = -Infinity;
let lastQueueSample = -Infinity;
/** `depth` right after a second's messages went out (judged); `backlog` just before the next second's. */
const queueDepths: Array<{ minute: number; depth: number; backlog?: number }> = [];
// This process runs the agents and the fake API server: when it slows, writes take longer and the queue deepens.
const benchLoopDelay = monitorEventLoopDelay({ resolution: 10 });
benchLoopDelay.enable();
let lastWrites = { count: 0, seconds: 0, at: performance.now() };
let lastRollout = started;
let rollouts = 0;

const sum = (text: string, pattern: RegExp): number =>
  [...text.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
const serverGauges = async (): Promise<{
  agents: number;
  queueDepth: number;
  failedWrites: number;
  writeCount: number;
  writeSeconds: number;
  writeConcurrency: number;
  oldestPendingS: number;
}> => {
  const text = await server.metrics();
  return {
    agents: sum(text, /^opamp_connected_agents\{[^}]*\} (\S+)$/gm),
    queueDepth: sum(text, /^opamp_persistence_queue_depth (\S+)$/gm),
    failedWrites: sum(text, /^opamp_persistence_writes_total\{[^}]*result="failed"[^}]*\} (\S+)$/gm),
    writeCount: sum(text, /^opamp_persistence_write_duration_seconds_count (\S+)$/gm),
    writeSeconds: sum(text, /^opamp_persistence_write_duration_seconds_sum (\S+)$/gm),
    writeConcurrency: sum(text, /^opamp_persistence_write_concurrency (\S+)$/gm),
    oldestPendingS: sum(text, /^opamp_persistence_oldest_pending_seconds (\S+)$/gm),
  };
};

const round1 = (value: number): number => Math.round(value * 10) / 10;
/** Store writes per second and their mean duration since the last call. */
function writeRates(gauges: { writeCount: number; writeSeconds: number }): {
  writesPerS: number;
  meanWriteMs: number;
} {
  const now = performance.now();
  const count = gauges.writeCount - lastWrites.count;
  const seconds = gauges.writeSeconds - lastWrites.seconds;
  const elapsedS = (now - lastWrites.at) / 1000;
  lastWrites = { count: gauges.writeCount, seconds: gauges.writeSeconds, at: now };
  return {
    writesPerS: round1(count / elapsedS),
    meanWriteMs: count > 0 ? Math.round((seconds / count) * 10_000) / 10 : 0,
  };
}

process.stderr.write(
  `soak: ${minutes} min, ${wsAgents} WebSocket + ${httpAgents} HTTP agents, 1 % churn per second\n`,
);
while (performance.now() < endAt) {
  for (const agent of agents) agent.tick();
  const churn = Math.max(1, Math.round(agents.length * 0.01));
  for (let i = 0; i < churn; i++) {
    const at = Math.floor(Math.random() * agents.length);
    const leaving = agents[at]!;
    leaving.leave();
    const isWs = at < wsAgents;
    agents[at] = isWs ? wsAgent(server.wsUrl) : httpAgent(poster);
    stats.joined++;
  }
  if (performance.now() - lastRollout > 60_000) {
    lastRollout = performance.now();
    rollouts++;
    const body = JSON.stringify({
      files: { 'c.yaml': { body: `rollout: ${rollouts}\n`, contentType: 'text/yaml' } },
    });
    await fetch(`${server.adminUrl}/api/v1/configs/soak`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (rollouts === 1) {
      await fetch(`${server.adminUrl}/api/v1/configs/soak/assignments/all`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ selector: {} }),
      });
    }
  }
  let queueSample: (typeof queueDepths)[number] | undefined;
  if (performance.now() - lastQueueSample >= QUEUE_SAMPLE_MS) {
    lastQueueSample = performance.now();
    const { queueDepth } = await serverGauges();
    queueSample = {
      minute: Math.round(((performance.now() - started) / 60_000) * 100) / 100,
      depth: queueDepth,
    };
    queueDepths.push(queueSample);
  }
  if (performance.now() - lastSample >= sampleEveryMs) {
    lastSample = performance.now();
    const memory = await server.inspector!.memoryAfterGc();
    const gauges = await serverGauges();
    const sample = {
      minute: Math.round(((performance.now() - started) / 60_000) * 10) / 10,
      heapUsedMiB: Math.round((memory.heapUsed / MIB) * 10) / 10,
      dataHeapMiB: Math.round((dataHeapBytes(memory) / MIB) * 10) / 10,
      bytecodeMiB: Math.round((memory.bytecode / MIB) * 10) / 10,
      rssMiB: Math.round((memory.rss / MIB) * 10) / 10,
      agents: gauges.agents,
      records: cluster.instances(),
      queueDepth: gauges.queueDepth,
      ...writeRates(gauges),
      writeConcurrency: gauges.writeConcurrency,
      oldestPendingS: round1(gauges.oldestPendingS),
      benchLoopDelayP99Ms: round1(benchLoopDelay.percentile(99) / 1e6),
      benchHeapMiB: round1(process.memoryUsage().heapUsed / MIB),
    };
    benchLoopDelay.reset();
    samples.push(sample);
    process.stderr.write(`soak: ${JSON.stringify(sample)}\n`);
    if (snapshotDir && sample.minute >= 1 && !samples.some((s) => s !== sample && s.minute >= 1)) {
      await writeSnapshot('steady');
    }
  }
  await sleep(1000);
  if (queueSample) queueSample.backlog = (await serverGauges()).queueDepth;
}
if (snapshotDir) await writeSnapshot('end');

// Growth after the first minute (start-up, pools) by least squares, and first → last.
const steady = samples.filter((s) => s.minute >= 1);
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
function trend(values: number[]): {
  firstSteadyMiB?: number;
  lastMiB?: number;
  maxMiB: number;
  growthMiB: number;
  slopeMiBPerHour: number;
  slopeMiBPerMinute: number;
  windowMinutes: number;
} {
  const minutes = steady.map((s) => s.minute);
  const [mx, my] = [mean(minutes), mean(values)];
  const slope =
    values.reduce((sum, v, i) => sum + (minutes[i]! - mx) * (v - my), 0) /
    Math.max(
      1e-9,
      minutes.reduce((sum, m) => sum + (m - mx) ** 2, 0),
    );
  return {
    firstSteadyMiB: values[0],
    lastMiB: values.at(-1),
    maxMiB: Math.max(...values),
    growthMiB: values.length > 1 ? round1(values.at(-1)! - values[0]!) : 0,
    slopeMiBPerHour: round1(slope * 60),
    slopeMiBPerMinute: Math.round(slope * 1000) / 1000,
    windowMinutes: minutes.length > 1 ? round1(minutes.at(-1)! - minutes[0]!) : 0,
  };
}
const heap = trend(steady.map((s) => s.heapUsedMiB));
const dataHeap = trend(steady.map((s) => s.dataHeapMiB));

// Messages still in flight get DRAIN_MS to be answered; then what is missing is unanswered.
// (Counted over every agent, including those replaced whose agent_disconnect is still in flight.)
const missing = (): number => stats.sent - stats.replies - stats.abandoned;
await waitFor(() => (missing() <= 0 ? true : undefined), DRAIN_MS, 'answers in flight', 100).catch(
  () => undefined,
);
const unanswered = missing();
const configsNotApplied = agents.filter((agent) => agent.configPending).length;

// The queue keeps growing when what each second leaves unwritten (the backlog) has a higher mean in each
// quarter of the steady run than in the one before. The depth right after a second's messages is reported.
const steadyQueue = queueDepths.filter((q) => q.minute >= 1);
function quarterMeansOf(values: number[]): number[] {
  const quarter = Math.floor(values.length / 4);
  return quarter > 0 ? [0, 1, 2, 3].map((k) => mean(values.slice(k * quarter, (k + 1) * quarter))) : [];
}
const rising = (means: number[]): boolean =>
  means.length === 4 && means.every((m, k) => k === 0 || m > means[k - 1]!);
const quarterMeans = quarterMeansOf(steadyQueue.map((q) => q.depth));
const backlogQuarterMeans = quarterMeansOf(steadyQueue.map((q) => q.backlog ?? 0));
const queueGrowing = rising(backlogQuarterMeans);
const queueAtEnd = queueDepths.at(-1)?.depth ?? 0;
const backlogAtEnd = queueDepths.at(-1)?.backlog ?? 0;

// Everyone leaves; silent HTTP agents go stale. Then no InstrumentationInstance may be left behind.
for (const agent of agents) agent.leave();
const leftAt = performance.now();
const recordsGone = await waitFor(
  async () => (cluster.instances() === 0 && (await serverGauges()).queueDepth === 0 ? true : undefined),
  (STALE_AFTER_S + 2 * SWEEP_INTERVAL_S + 60) * 1000,
  'records to be removed',
  500,
).then(
  () => true,
  () => false,
);
const { failedWrites } = await serverGauges();
const slopeJudged = dataHeap.windowMinutes >= SLOPE_MIN_MINUTES;
const checks = {
  unanswered: {
    value: unanswered,
    passed: unanswered <= 0,
    bound: 'sent − answered − abandoned by leaving = 0',
  },
  persistenceQueue: {
    value: {
      atEnd: queueAtEnd,
      quarterMeans: quarterMeans.map(round1),
      backlogAtEnd,
      backlogQuarterMeans: backlogQuarterMeans.map(round1),
      growing: queueGrowing,
    },
    passed: !queueGrowing && queueAtEnd <= QUEUE_DEPTH_BOUND && backlogAtEnd <= QUEUE_DEPTH_BOUND,
    bound: `the backlog (depth just before a second's messages) not rising from each quarter of the steady run to the next; it and the depth right after a second's messages ≤ ${QUEUE_DEPTH_BOUND} at the end`,
  },
  configsApplied: {
    value: {
      received: counters.remoteConfigs,
      appliedReports: stats.appliedReports,
      notApplied: configsNotApplied,
    },
    passed: configsNotApplied === 0,
    bound: 'every connected agent that received a config reported it APPLIED',
  },
  dataHeap: {
    value: { slopeMiBPerMinute: dataHeap.slopeMiBPerMinute, growthMiB: dataHeap.growthMiB, slopeJudged },
    passed:
      dataHeap.growthMiB < DATA_HEAP_GROWTH_MIB &&
      (!slopeJudged || dataHeap.slopeMiBPerMinute < DATA_HEAP_SLOPE_MIB_PER_MIN),
    bound: `slope < ${DATA_HEAP_SLOPE_MIB_PER_MIN} MiB/min after the first minute (judged over ≥ ${SLOPE_MIN_MINUTES} min), growth < ${DATA_HEAP_GROWTH_MIB} MiB`,
  },
  failedWrites: { value: failedWrites, passed: failedWrites === 0, bound: '0' },
  recordsRemoved: {
    value: cluster.instances(),
    passed: recordsGone,
    bound: 'no record left after every agent left',
  },
};
const result = {
  provenance: measuredCode,
  machine: machineInfo(),
  minutes,
  wsAgents,
  httpAgents,
  serverSettings: 'defaults (STALE_AFTER_S 75, SWEEP_INTERVAL_S 30, MAX_MESSAGES_PER_SECOND 100)',
  messagesSent: stats.sent,
  replies: stats.replies,
  abandonedByLeaving: stats.abandoned,
  unanswered,
  pushes: stats.pushes,
  agentsJoined: stats.joined,
  agentsLeft: stats.left,
  rollouts,
  remoteConfigsReceived: counters.remoteConfigs,
  appliedReports: stats.appliedReports,
  configsNotApplied,
  leftBeforeApplying: stats.leftBeforeApplying,
  httpErrors: stats.httpErrors,
  errorReplies: counters.errorReplies,
  heap,
  dataHeap,
  persistence: {
    recordsAtEnd: samples.at(-1)?.records,
    failedWrites,
    recordsLeftAfterAllLeft: cluster.instances(),
    secondsUntilAllRemoved: recordsGone ? Math.round((performance.now() - leftAt) / 100) / 10 : undefined,
  },
  samples,
  queueDepths,
  checks,
  passed: Object.values(checks).every((check) => check.passed),
};
poster.close();
await sleep(500);
const exit = await server.stop();
await cluster.close();
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(
  join(RESULTS_DIR, 'soak-latest.json'),
  `${JSON.stringify({ ...result, serverExit: exit }, null, 2)}\n`,
);
process.stderr.write(
  `soak: heap ${heap.firstSteadyMiB} → ${heap.lastMiB} MiB, data heap ${dataHeap.firstSteadyMiB} → ${dataHeap.lastMiB} MiB` +
    ` (${dataHeap.slopeMiBPerMinute} MiB/min)\n`,
);
for (const [name, check] of Object.entries(checks))
  process.stderr.write(
    `soak: ${check.passed ? 'pass' : 'FAIL'} ${name}: ${JSON.stringify(check.value)} (bound: ${check.bound})\n`,
  );
process.stderr.write(`soak: ${result.passed ? 'passed' : 'FAILED'}; server exit ${exit.code}\n`);
process.exit(result.passed && exit.code === 0 ? 0 : 1);
