/**
 * `npm run soak [-- --minutes N] [--ws-agents N] [--http-agents N]`: runs `node dist/main.js` for N minutes
 * (default 10) under agent churn — WebSocket and HTTP agents sending one message a second, a health change
 * every 10th, 1 % of them replaced every second (agent_disconnect, a plain close, an abrupt drop, or an HTTP
 * agent that just stops and goes stale), a config rolled out to everyone every minute — and samples the
 * server's heap after a full GC every 30 s (also without V8's code spaces: the data heap). The agents are Odigos agents (the WebSocket ones also accept
 * remote config), identified by the odigos plugin and persisted as InstrumentationInstances
 * (`PERSISTENCE=kubernetes`) on the fake API server, which runs in this process.
 * Passes when the data heap does not grow, no record write failed, and once every agent has left (or gone stale)
 * no record is left. Writes bench/results/soak-latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { WebSocket, type RawData } from 'ws';
import { FakeCluster } from './lib/fake-cluster.js';
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
const wsAgents = option('ws-agents', 400);
const httpAgents = option('http-agents', 100);
const sampleEveryMs = option('sample-every-s', 30) * 1000;
const MIB = 1024 * 1024;
const HEADER = Buffer.from([0]);

const counters = newCounters();
let nextIndex = 0;
const stats = {
  sent: 0,
  replies: 0,
  httpErrors: 0,
  joined: 0,
  left: { disconnect: 0, close: 0, drop: 0, silent: 0 },
};

interface SoakAgent {
  readonly agent: SimulatedAgent;
  tick(): void;
  leave(): void;
}

function wsAgent(url: string): SoakAgent {
  // Identified as Odigos agents are, but accepting remote config, so the rollouts reach them.
  const agent = new SimulatedAgent(nextIndex++, 'odigos', 10, 'soak', counters, COLLECTOR_CAPABILITIES);
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const send = (bytes: Uint8Array): void => {
    if (socket.readyState !== WebSocket.OPEN) return;
    stats.sent++;
    socket.send(Buffer.concat([HEADER, bytes]));
  };
  socket.on('open', () => send(agent.next()));
  socket.on('message', (data: RawData) => {
    stats.replies++;
    const reply = agent.onReplyBytes((data as Buffer).subarray(1));
    if (reply.remoteConfig) send(agent.next()); // report the config applied
  });
  socket.on('error', () => undefined);
  return {
    agent,
    tick: () => send(agent.next()),
    leave: () => {
      const mode = Math.random();
      if (mode < 0.5) {
        send(agent.disconnect());
        socket.close();
        stats.left.disconnect++;
      } else if (mode < 0.8) {
        socket.close();
        stats.left.close++;
      } else {
        socket.terminate();
        stats.left.drop++;
      }
    },
  };
}

function httpAgent(poster: HttpPoster): SoakAgent {
  const agent = new SimulatedAgent(nextIndex++, 'odigos', 10, 'soak', counters);
  let busy = false;
  const post = (bytes: Uint8Array): void => {
    busy = true;
    stats.sent++;
    poster
      .post(bytes)
      .then((reply) => {
        stats.replies++;
        if (reply.status === 200) agent.onReplyBytes(reply.body);
        else stats.httpErrors++;
      })
      .catch(() => stats.httpErrors++)
      .finally(() => (busy = false));
  };
  return {
    agent,
    tick: () => {
      if (!busy) post(agent.next());
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
const cluster = await FakeCluster.start(Math.ceil((wsAgents + httpAgents) * (1 + 0.6 * minutes)) + 100);
const server = await ServerProcess.start({
  logFile: join(tmpdir(), `opamp-soak-${process.pid}.log`),
  inspect: true,
  env: {
    ...cluster.serverEnv('kubernetes'),
    STALE_AFTER_S: '10',
    SWEEP_INTERVAL_S: '5',
    MAX_MESSAGES_PER_SECOND: '100',
  },
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
  /** Heap used minus V8's code spaces (JIT output, which grows while the process warms up). */
  dataHeapMiB: number;
  rssMiB: number;
  agents: number;
  records: number;
  queueDepth: number;
}> = [];
let lastSample = -Infinity;
let lastRollout = started;
let rollouts = 0;

const sum = (text: string, pattern: RegExp): number =>
  [...text.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
const serverGauges = async (): Promise<{ agents: number; queueDepth: number; failedWrites: number }> => {
  const text = await server.metrics();
  return {
    agents: sum(text, /^opamp_connected_agents\{[^}]*\} (\S+)$/gm),
    queueDepth: sum(text, /^opamp_persistence_queue_depth (\S+)$/gm),
    failedWrites: sum(text, /^opamp_persistence_writes_total\{[^}]*result="failed"[^}]*\} (\S+)$/gm),
  };
};

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
  if (performance.now() - lastSample >= sampleEveryMs) {
    lastSample = performance.now();
    const memory = await server.inspector!.memoryAfterGc();
    const gauges = await serverGauges();
    const sample = {
      minute: Math.round(((performance.now() - started) / 60_000) * 10) / 10,
      heapUsedMiB: Math.round((memory.heapUsed / MIB) * 10) / 10,
      dataHeapMiB: Math.round(((memory.heapUsed - memory.codeSpace) / MIB) * 10) / 10,
      rssMiB: Math.round((memory.rss / MIB) * 10) / 10,
      agents: gauges.agents,
      records: cluster.instances(),
      queueDepth: gauges.queueDepth,
    };
    samples.push(sample);
    process.stderr.write(`soak: ${JSON.stringify(sample)}\n`);
  }
  await sleep(1000);
}

// Growth after the first minute (start-up, pools) by least squares, and first → last.
const steady = samples.filter((s) => s.minute >= 1);
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const round1 = (value: number): number => Math.round(value * 10) / 10;
function trend(values: number[]): {
  firstSteadyMiB?: number;
  lastMiB?: number;
  maxMiB: number;
  growthMiB: number;
  slopeMiBPerHour: number;
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
  };
}
const heap = trend(steady.map((s) => s.heapUsedMiB));
const dataHeap = trend(steady.map((s) => s.dataHeapMiB));

// Everyone leaves; silent HTTP agents go stale. Then no InstrumentationInstance may be left behind.
for (const agent of agents) agent.leave();
const leftAt = performance.now();
const recordsGone = await waitFor(
  async () => (cluster.instances() === 0 && (await serverGauges()).queueDepth === 0 ? true : undefined),
  60_000,
  'records to be removed',
  500,
).then(
  () => true,
  () => false,
);
const { failedWrites } = await serverGauges();
const result = {
  minutes,
  wsAgents,
  httpAgents,
  messagesSent: stats.sent,
  replies: stats.replies,
  agentsJoined: stats.joined,
  agentsLeft: stats.left,
  rollouts,
  remoteConfigsReceived: counters.remoteConfigs,
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
  // No growth of the data heap: the last sample within 3 MiB of the first steady one and, over a window
  // long enough for a trend (5+ minutes), under 6 MiB/hour.
  passed:
    dataHeap.growthMiB < 3 &&
    (minutes < 6 || dataHeap.slopeMiBPerHour < 6) &&
    failedWrites === 0 &&
    recordsGone,
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
  `soak: heap ${heap.firstSteadyMiB} → ${heap.lastMiB} MiB (${heap.slopeMiBPerHour} MiB/h),` +
    ` data heap ${dataHeap.firstSteadyMiB} → ${dataHeap.lastMiB} MiB (${dataHeap.slopeMiBPerHour} MiB/h);` +
    ` ${failedWrites} failed record writes, ${result.persistence.recordsLeftAfterAllLeft} records left;` +
    ` ${result.passed ? 'passed' : 'FAILED'}; server exit ${exit.code}\n`,
);
process.exit(result.passed && exit.code === 0 ? 0 : 1);
