/**
 * WebSocket load generator (child process): one `ws` socket per simulated agent. Commands connect the
 * agents (each sends its full state and waits for the reply; `ws-prepare` then `ws-start` lets several
 * generator processes start one storm together), run them open-loop at a fixed rate per
 * agent or closed-loop, report remote configs pushed to them, and close them.
 */
import { WebSocket, type RawData } from 'ws';
import {
  epochMs,
  type ConnectResult,
  type GeneratorCommand,
  type GeneratorEvent,
  type RunResult,
  type WsConnectSpec,
} from '../lib/generator-protocol.js';
import { LatencyRecorder } from '../lib/latency.js';
import { newCounters, SimulatedAgent, type AgentCounters } from '../lib/simulated-agent.js';

const HEADER = Buffer.from([0]);
/** An OpAMP WebSocket frame: the 0 header, then the protobuf. */
const frame = (message: Uint8Array): Buffer => Buffer.concat([HEADER, message], message.length + 1);
const send = (event: GeneratorEvent): void => {
  process.send?.(event);
};

/** What every agent reports to. */
class Totals {
  readonly latency = new LatencyRecorder();
  readonly counters: AgentCounters = newCounters();
  measuring = false;
  messages = 0;
  errors = 0;
  closedLoop = false;
}

class WsLoadAgent {
  socket?: WebSocket;
  private readonly sentAt: number[] = [];
  private sentHead = 0;
  private firstReply?: () => void;
  configAtEpochMs?: number;

  constructor(
    readonly agent: SimulatedAgent,
    private readonly totals: Totals,
  ) {}

  get outstanding(): number {
    return this.sentAt.length - this.sentHead;
  }

  /** Opens the socket, sends the full state (`firstFrame` when encoded beforehand), resolves on its reply. */
  connect(url: string, firstFrame?: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 60_000 });
      this.socket = socket;
      let settled = false;
      socket.once('open', () => {
        this.firstReply = () => {
          settled = true;
          resolve();
        };
        if (firstFrame) this.sendFrame(firstFrame);
        else this.send();
      });
      socket.on('message', (data: RawData) => this.onMessage(data as Buffer));
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      });
      socket.once('close', (code) => {
        if (!settled) {
          settled = true;
          reject(new Error(`closed ${code} before the first reply`));
        }
      });
    });
  }

  send(message: Uint8Array = this.agent.next()): void {
    this.sendFrame(frame(message));
  }

  /** Sends a message already framed (the 0 header, then the protobuf). */
  sendFrame(framed: Buffer): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      this.totals.errors++;
      return;
    }
    this.sentAt.push(performance.now());
    socket.send(framed, { binary: true });
  }

  private onMessage(data: Buffer): void {
    const reply = this.agent.onReplyBytes(data.subarray(1));
    if (this.outstanding === 0) {
      // A push (remote config): report it applied, as an agent does.
      if (reply.remoteConfig) {
        this.configAtEpochMs = epochMs();
        this.send();
      }
      return;
    }
    const sent = this.sentAt[this.sentHead++]!;
    if (this.sentHead > 1024) {
      this.sentAt.splice(0, this.sentHead);
      this.sentHead = 0;
    }
    if (reply.remoteConfig && this.configAtEpochMs === undefined) this.configAtEpochMs = epochMs();
    if (this.firstReply) {
      const done = this.firstReply;
      this.firstReply = undefined;
      this.totals.latency.recordMs(performance.now() - sent);
      done();
      return;
    }
    if (this.totals.measuring) {
      this.totals.messages++;
      this.totals.latency.recordMs(performance.now() - sent);
    }
    if (this.totals.closedLoop) this.send();
  }
}

let totals = new Totals();
let agents: WsLoadAgent[] = [];

/** Agents created and first messages encoded by `ws-prepare`, waiting for `ws-start`. */
interface PreparedConnect {
  readonly spec: WsConnectSpec;
  readonly firstFrames: readonly Buffer[];
}
let prepared: PreparedConnect | undefined;

function prepare(spec: WsConnectSpec): PreparedConnect {
  totals = new Totals();
  agents = [];
  for (let i = 0; i < spec.agents; i++) {
    const agent = new SimulatedAgent(
      spec.firstIndex + i,
      spec.flavor,
      spec.statusEvery,
      spec.salt,
      totals.counters,
    );
    agents.push(new WsLoadAgent(agent, totals));
  }
  // The first messages are encoded before the clock starts: in a storm the generator then spends its time
  // on sockets, not on protobuf encoding (it was the bottleneck at 1,000 Odigos agents).
  return { spec, firstFrames: agents.map((agent) => frame(agent.agent.next())) };
}

async function connectAll({ spec, firstFrames }: PreparedConnect): Promise<ConnectResult> {
  const failures: Record<string, number> = {};
  let next = 0;
  let connected = 0;
  const startedAtEpochMs = epochMs();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < agents.length) {
      const index = next++;
      const agent = agents[index]!;
      try {
        await agent.connect(spec.url, firstFrames[index]);
        connected++;
      } catch (error) {
        const key = (error as NodeJS.ErrnoException).code ?? (error as Error).message.slice(0, 60);
        failures[key] = (failures[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, agents.length) }, worker));
  const durationMs = performance.now() - started;
  const endedAtEpochMs = epochMs();
  agents = agents.filter((agent) => agent.socket?.readyState === WebSocket.OPEN);
  return {
    connected,
    failed: spec.agents - connected,
    durationMs,
    latency: totals.latency.summary(),
    counters: { ...totals.counters },
    failures,
    startedAtEpochMs,
    endedAtEpochMs,
    latencyHistogram: totals.latency.encode(),
  };
}

async function run(command: Extract<GeneratorCommand, { type: 'ws-run' }>): Promise<RunResult> {
  totals.closedLoop = command.mode === 'closed-loop';
  let maxSendLagMs = 0;
  let timer: NodeJS.Timeout | undefined;
  if (command.mode === 'closed-loop') {
    for (const agent of agents) agent.send();
  } else {
    const perMs = (agents.length * command.ratePerAgentPerS) / 1000;
    const start = performance.now();
    let sent = 0;
    timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.floor(elapsed * perMs);
      if (due - sent > perMs) maxSendLagMs = Math.max(maxSendLagMs, (due - sent) / perMs);
      for (; sent < due; sent++) agents[sent % agents.length]!.send();
    }, 5);
  }
  await new Promise((resolve) => setTimeout(resolve, command.warmupMs));
  totals.latency.reset();
  Object.assign(totals.counters, newCounters());
  totals.messages = 0;
  totals.errors = 0;
  maxSendLagMs = 0;
  totals.measuring = true;
  send({ type: 'measure-start' });
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, command.measureMs));
  totals.measuring = false;
  const durationMs = performance.now() - started;
  send({ type: 'measure-end' });
  clearInterval(timer);
  totals.closedLoop = false;
  // Let the last replies arrive so the sockets are quiet for what comes next.
  const deadline = performance.now() + 5000;
  while (agents.some((a) => a.outstanding > 0) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    messages: totals.messages,
    durationMs,
    latency: totals.latency.summary(),
    errors: totals.errors,
    counters: { ...totals.counters },
    maxSendLagMs,
    unanswered: agents.reduce((sum, a) => sum + a.outstanding, 0),
    latencyHistogram: totals.latency.encode(),
  };
}

async function closeAll(disconnect: boolean): Promise<number> {
  const closing = agents.map(
    (agent) =>
      new Promise<void>((resolve) => {
        const socket = agent.socket;
        if (!socket || socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        if (disconnect && socket.readyState === WebSocket.OPEN) agent.send(agent.agent.disconnect());
        socket.close();
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 10_000).unref();
      }),
  );
  await Promise.all(closing);
  const closed = agents.length;
  agents = [];
  return closed;
}

process.on('message', (command: GeneratorCommand) => {
  const fail = (error: unknown): void => send({ type: 'error', message: String(error) });
  switch (command.type) {
    case 'exit':
      process.exit(0);
      break;
    case 'ws-connect':
      connectAll(prepare(command)).then((result) => send({ type: 'connect-result', result }), fail);
      break;
    case 'ws-prepare':
      prepared = prepare(command);
      send({ type: 'prepared', agents: agents.length });
      break;
    case 'ws-start': {
      const ready = prepared;
      prepared = undefined;
      if (!ready) fail(new Error('ws-start without a ws-prepare before it'));
      else connectAll(ready).then((result) => send({ type: 'connect-result', result }), fail);
      break;
    }
    case 'ws-run':
      run(command).then((result) => send({ type: 'run-result', result }), fail);
      break;
    case 'ws-config-report': {
      const times = agents.flatMap((a) => (a.configAtEpochMs === undefined ? [] : [a.configAtEpochMs]));
      send({
        type: 'config-report',
        result: {
          agents: agents.length,
          received: times.length,
          ...(times.length > 0
            ? { lastAtEpochMs: Math.max(...times), firstAtEpochMs: Math.min(...times) }
            : {}),
        },
      });
      break;
    }
    case 'ws-close':
      closeAll(command.disconnect).then((closed) => send({ type: 'closed', closed }), fail);
      break;
    default:
      break;
  }
});
