/**
 * HTTP load generator (child process): `connections` keep-alive connections on raw sockets, each
 * carrying `agentsPerConnection` simulated agents in turn (full state first, then heartbeats with
 * increasing sequence numbers and periodic health changes), one request in flight per connection.
 * Latency is from writing a request to reading its whole response.
 */
import { connect, type Socket } from 'node:net';
import { type GeneratorCommand, type GeneratorEvent, type RunResult } from '../lib/generator-protocol.js';
import { LatencyRecorder } from '../lib/latency.js';
import { newCounters, SimulatedAgent, type AgentCounters } from '../lib/simulated-agent.js';
import { HttpResponseReader } from './http-response-reader.js';

type HttpRun = Extract<GeneratorCommand, { type: 'http-run' }>;

const send = (event: GeneratorEvent): void => {
  process.send?.(event);
};

class LoadConnection {
  private socket?: Socket;
  private reader = new HttpResponseReader();
  private turn = 0;
  private sentAt = 0;
  private current?: SimulatedAgent;
  inFlight = false;

  constructor(
    private readonly run: HttpRunState,
    private readonly agents: SimulatedAgent[],
  ) {}

  open(): void {
    const { url } = this.run;
    this.reader = new HttpResponseReader();
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.setNoDelay(true);
    socket.on('connect', () => this.sendNext());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.run.errors++);
    socket.on('close', () => {
      if (this.inFlight) this.run.errors++;
      this.inFlight = false;
      if (this.run.running) setTimeout(() => this.open(), 10);
    });
    this.socket = socket;
  }

  close(): void {
    this.socket?.destroy();
  }

  private sendNext(): void {
    if (!this.run.running || !this.socket) return;
    const agent = this.agents[this.turn++ % this.agents.length]!;
    const body = agent.next();
    const head = Buffer.from(
      `POST ${this.run.url.pathname} HTTP/1.1\r\nhost: ${this.run.url.host}\r\n${this.run.extraHeaders}` +
        `content-type: application/x-protobuf\r\ncontent-length: ${body.length}\r\n\r\n`,
      'latin1',
    );
    this.current = agent;
    this.inFlight = true;
    this.sentAt = performance.now();
    this.socket.write(Buffer.concat([head, body], head.length + body.length));
  }

  private onData(chunk: Buffer): void {
    let responses;
    try {
      responses = this.reader.push(chunk);
    } catch {
      this.run.errors++;
      this.socket?.destroy();
      return;
    }
    for (const response of responses) {
      const latencyMs = performance.now() - this.sentAt;
      this.inFlight = false;
      if (response.status !== 200) this.run.errors++;
      else {
        try {
          this.current?.onReplyBytes(response.body);
        } catch {
          this.run.errors++;
        }
      }
      this.run.completed(latencyMs);
      if (response.close) {
        this.socket?.destroy();
        return;
      }
      this.sendNext();
    }
  }
}

class HttpRunState {
  readonly url: URL;
  readonly extraHeaders: string;
  readonly latency = new LatencyRecorder();
  counters: AgentCounters = newCounters();
  running = true;
  measuring = false;
  errors = 0;
  messages = 0;

  constructor(command: HttpRun) {
    this.url = new URL(command.url);
    this.extraHeaders = Object.entries(command.headers ?? {})
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
  }

  completed(latencyMs: number): void {
    if (!this.measuring) return;
    this.messages++;
    this.latency.recordMs(latencyMs);
  }
}

async function httpRun(command: HttpRun): Promise<RunResult> {
  const state = new HttpRunState(command);
  const connections: LoadConnection[] = [];
  for (let c = 0; c < command.connections; c++) {
    const agents: SimulatedAgent[] = [];
    for (let a = 0; a < command.agentsPerConnection; a++) {
      const index = command.firstIndex + c * command.agentsPerConnection + a;
      agents.push(
        new SimulatedAgent(index, command.flavor, command.statusEvery, command.salt, state.counters),
      );
    }
    connections.push(new LoadConnection(state, agents));
  }
  for (const connection of connections) connection.open();
  await new Promise((resolve) => setTimeout(resolve, command.warmupMs));
  state.latency.reset();
  Object.assign(state.counters, newCounters());
  state.errors = 0;
  state.messages = 0;
  state.measuring = true;
  send({ type: 'measure-start' });
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, command.measureMs));
  state.measuring = false;
  const durationMs = performance.now() - started;
  send({ type: 'measure-end' });
  state.running = false;
  const unanswered = connections.filter((c) => c.inFlight).length;
  for (const connection of connections) connection.close();
  return {
    messages: state.messages,
    durationMs,
    latency: state.latency.summary(),
    errors: state.errors,
    counters: { ...state.counters },
    maxSendLagMs: 0,
    unanswered,
  };
}

process.on('message', (command: GeneratorCommand) => {
  if (command.type === 'exit') process.exit(0);
  if (command.type !== 'http-run') return;
  httpRun(command).then(
    (result) => send({ type: 'run-result', result }),
    (error: unknown) => send({ type: 'error', message: String(error) }),
  );
});
