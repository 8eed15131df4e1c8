/**
 * Scale load generator (child process, `npm run bench -- --scale`): a share of the fleet of WebSocket
 * agents, all from one loopback source address. Each agent sends its full state as soon as its socket opens
 * and then a heartbeat every `heartbeatMs`, the agents' heartbeats spread evenly over the period. A closed
 * socket or a refused upgrade is retried as opamp-go's client does: exponential backoff (0.5 s × 1.5ⁿ,
 * ± 50 % jitter, at most 60 s), or the server's Retry-After on 429/503, and the full state again on the new
 * socket. Every loop is bounded: the orchestrator closes the agents and stops the process.
 */
import { type ClientRequest, type IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { epochMs } from '../lib/generator-protocol.js';
import { LatencyRecorder } from '../lib/latency.js';
import { newCounters, SimulatedAgent, type AgentCounters } from '../lib/simulated-agent.js';
import { type ScaleCommand, type ScaleEvent, type ScaleStatus } from '../scale/scale-protocol.js';

const HEADER = Buffer.from([0]);
const TICK_MS = 20;
const BACKOFF = { initialMs: 500, multiplier: 1.5, jitter: 0.5, maxMs: 60_000 } as const;

const emit = (event: ScaleEvent): void => {
  process.send?.(event);
};

/** What every agent of this process reports to. */
class Totals {
  latency = new LatencyRecorder();
  readonly counters: AgentCounters = newCounters();
  measuring = false;
  messages = 0;
  errors = 0;
  errorKinds: Record<string, number> = {};
  refusals: Record<string, number> = {};
  reconnects = 0;
  maxTickLagMs = 0;
  closing = false;

  error(kind: string): void {
    this.errors++;
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
  }

  reset(): void {
    this.latency.reset();
    Object.assign(this.counters, newCounters());
    this.messages = 0;
    this.errors = 0;
    this.errorKinds = {};
    this.refusals = {};
    this.reconnects = 0;
    this.maxTickLagMs = 0;
  }
}

/** Delay before reconnect attempt `attempt` (0-based), as cenkalti/backoff's defaults in opamp-go. */
const backoffMs = (attempt: number): number => {
  const base = Math.min(BACKOFF.maxMs, BACKOFF.initialMs * BACKOFF.multiplier ** attempt);
  return base * (1 - BACKOFF.jitter + Math.random() * 2 * BACKOFF.jitter);
};

class ScaleAgent {
  private socket?: WebSocket;
  private agent: SimulatedAgent;
  private readonly sentAt: number[] = [];
  private attempt = 0;
  private retryAfterMs?: number;
  private onFirstServed?: (ok: boolean) => void;
  served = false;
  servedAtEpochMs = 0;

  constructor(
    private readonly index: number,
    private readonly settings: Extract<ScaleCommand, { type: 'connect' }>,
  ) {
    this.agent = this.newAgent();
  }

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  get outstanding(): number {
    return this.sentAt.length;
  }

  /** Opens the first socket; resolves true once served, false on a failure (it keeps retrying then). */
  start(): Promise<boolean> {
    return new Promise((resolve) => {
      this.onFirstServed = resolve;
      this.connect();
    });
  }

  /** A new agent object on every socket: it sends its full state first, as opamp-go does on a new connection. */
  private newAgent(): SimulatedAgent {
    return new SimulatedAgent(this.index, 'collector', 0, this.settings.salt, totals.counters);
  }

  private connect(): void {
    if (totals.closing) return;
    this.retryAfterMs = undefined;
    const socket = new WebSocket(this.settings.url, {
      perMessageDeflate: false,
      handshakeTimeout: 30_000,
      localAddress: this.settings.localAddress,
    });
    this.socket = socket;
    socket.once('open', () => {
      this.agent = this.newAgent();
      this.send();
    });
    socket.on('message', (data: RawData) => this.onMessage(data as Buffer));
    socket.once('unexpected-response', (request: ClientRequest, response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      totals.refusals[status] = (totals.refusals[status] ?? 0) + 1;
      const retryAfterS = Number(response.headers['retry-after']);
      this.retryAfterMs = Number.isFinite(retryAfterS) && retryAfterS > 0 ? retryAfterS * 1000 : undefined;
      response.resume();
      request.destroy();
      socket.emit('close', 1006, Buffer.alloc(0));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.retryAfterMs === undefined) totals.error(error.code ?? error.message.slice(0, 40));
    });
    socket.once('close', (code: number) => this.onClose(socket, code));
  }

  private onClose(socket: WebSocket, code: number): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    const wasServed = this.served;
    this.served = false;
    if (this.sentAt.length > 0) {
      totals.error(`lost ${this.sentAt.length > 1 ? 'replies' : 'reply'}`);
      this.sentAt.length = 0;
    }
    if (totals.closing) return;
    // 1001: the server is going away (a restart); anything else from a served socket is unexpected.
    if (wasServed && code !== 1001) totals.error(`close ${code}`);
    if (this.onFirstServed && !wasServed) {
      this.onFirstServed(false);
      this.onFirstServed = undefined;
    }
    const delay = this.retryAfterMs ?? backoffMs(this.attempt);
    this.attempt++;
    totals.reconnects++;
    setTimeout(() => this.connect(), delay * (this.retryAfterMs === undefined ? 1 : 1 + Math.random() * 0.2));
  }

  /** Sends the next message (the full state on a new socket, else a heartbeat). */
  send(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const message = this.agent.next();
    this.sentAt.push(performance.now());
    socket.send(Buffer.concat([HEADER, message], message.length + 1), { binary: true });
  }

  /** A heartbeat, when served on an open socket. */
  heartbeat(): void {
    if (this.served) this.send();
  }

  private onMessage(data: Buffer): void {
    this.agent.onReplyBytes(data.subarray(1));
    const sent = this.sentAt.shift();
    if (sent === undefined) return; // a push, not a reply
    if (!this.served) {
      this.served = true;
      this.servedAtEpochMs = epochMs();
      this.attempt = 0;
      this.onFirstServed?.(true);
      this.onFirstServed = undefined;
      return;
    }
    if (totals.measuring) {
      totals.messages++;
      totals.latency.recordMs(performance.now() - sent);
    }
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 5000).unref();
    });
  }
}

let totals = new Totals();
let agents: ScaleAgent[] = [];
let ticker: NodeJS.Timeout | undefined;

/** Heartbeats spread over the period: agent i is due at i/n of it, checked every {@link TICK_MS}. */
function startHeartbeats(heartbeatMs: number): void {
  const slots = Math.max(1, Math.round(heartbeatMs / TICK_MS));
  const bySlot: ScaleAgent[][] = Array.from({ length: slots }, () => []);
  agents.forEach((agent, i) => bySlot[Math.floor((i * slots) / agents.length)]!.push(agent));
  const start = performance.now();
  let done = 0; // slots handed out since start
  ticker = setInterval(() => {
    const elapsed = performance.now() - start;
    const due = Math.floor(elapsed / TICK_MS);
    if (due - done > 1) totals.maxTickLagMs = Math.max(totals.maxTickLagMs, (due - done - 1) * TICK_MS);
    for (; done < due; done++) for (const agent of bySlot[done % slots]!) agent.heartbeat();
  }, TICK_MS);
}

async function connectAll(command: Extract<ScaleCommand, { type: 'connect' }>): Promise<number> {
  totals = new Totals();
  agents = Array.from({ length: command.agents }, (_, i) => new ScaleAgent(command.firstIndex + i, command));
  // Heartbeats run from the start: an agent served early must not stay silent while the rest connect (a
  // connect phase longer than STALE_AFTER_S would have the server end it as stale).
  startHeartbeats(command.heartbeatMs);
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < agents.length) await agents[next++]!.start();
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, agents.length) }, worker));
  // Agents whose first attempt failed (counted as errors) retry with their backoff: the window starts with all.
  const deadline = started + command.timeoutMs;
  while (agents.some((agent) => !agent.served) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return performance.now() - started;
}

function status(servedSinceEpochMs = Number.POSITIVE_INFINITY): ScaleStatus {
  let open = 0;
  let served = 0;
  let servedSince = 0;
  let lastServed = 0;
  let unanswered = 0;
  for (const agent of agents) {
    if (agent.open) open++;
    if (agent.served) served++;
    if (agent.served && agent.servedAtEpochMs >= servedSinceEpochMs) {
      servedSince++;
      lastServed = Math.max(lastServed, agent.servedAtEpochMs);
    }
    unanswered += agent.outstanding;
  }
  return {
    agents: agents.length,
    open,
    served,
    servedSince,
    ...(lastServed > 0 ? { lastServedAtEpochMs: lastServed } : {}),
    messages: totals.messages,
    latency: totals.latency.summary(),
    unanswered,
    maxTickLagMs: totals.maxTickLagMs,
    errors: totals.errors,
    errorKinds: { ...totals.errorKinds },
    refusals: { ...totals.refusals },
    reconnects: totals.reconnects,
    counters: { ...totals.counters },
  };
}

process.on('message', (command: ScaleCommand) => {
  const fail = (error: unknown): void => emit({ type: 'error', message: String(error) });
  switch (command.type) {
    case 'connect':
      connectAll(command).then(
        (durationMs) => emit({ type: 'connected', status: status(), durationMs }),
        fail,
      );
      break;
    case 'measure-start':
      totals.reset();
      totals.measuring = true;
      emit({ type: 'status', status: status() });
      break;
    case 'status':
      emit({ type: 'status', status: status(command.servedSinceEpochMs) });
      break;
    case 'close':
      totals.closing = true;
      totals.measuring = false;
      clearInterval(ticker);
      Promise.all(agents.map((agent) => agent.close())).then(() => emit({ type: 'closed' }), fail);
      break;
    case 'exit':
      process.exit(0);
      break;
    default:
      break;
  }
});
