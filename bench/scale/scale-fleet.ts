import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIST } from '../lib/paths.js';
import { type LatencySummary } from '../lib/latency.js';
import { type ScaleCommand, type ScaleEvent, type ScaleStatus } from './scale-protocol.js';

type EventOf<T extends ScaleEvent['type']> = Extract<ScaleEvent, { type: T }>;

/** One `scale-load` process, driven over IPC. */
class ScaleGenerator {
  private readonly listeners = new Set<(event: ScaleEvent) => void>();
  private exitError?: Error;

  constructor(
    private readonly child: ChildProcess,
    readonly localAddress: string,
  ) {
    child.on('message', (event: ScaleEvent) => {
      for (const listener of [...this.listeners]) listener(event);
    });
    child.once('exit', (code, signal) => {
      this.exitError = new Error(`scale generator ${localAddress} exited (code ${code}, signal ${signal})`);
      for (const listener of [...this.listeners])
        listener({ type: 'error', message: this.exitError.message });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T extends ScaleEvent['type']>(
    command: ScaleCommand,
    until: T,
    timeoutMs: number,
  ): Promise<EventOf<T>> {
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(
          new Error(`scale generator ${this.localAddress}: no answer to ${command.type} in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const listener = (event: ScaleEvent): void => {
        if (event.type !== 'error' && event.type !== until) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (event.type === 'error') reject(new Error(event.message));
        else resolve(event as EventOf<T>);
      };
      this.listeners.add(listener);
      this.child.send(command);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' } satisfies ScaleCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The fleet's status: every generator's, summed (latency: the worst percentile of any of them). */
export interface FleetStatus extends Omit<ScaleStatus, 'latency'> {
  readonly latency: LatencySummary;
  /** Per generator, as reported. */
  readonly byGenerator: readonly ScaleStatus[];
}

const addCounts = (into: Record<string, number>, from: Readonly<Record<string, number>>): void => {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
};

/**
 * Merges generator statuses. Percentiles cannot be added: p50/p99 are the count-weighted mean and the worst of
 * the generators' (each generator holds a quarter of the agents, chosen alike, so they agree closely).
 */
export function mergeStatuses(statuses: readonly ScaleStatus[]): FleetStatus {
  const sum = (pick: (s: ScaleStatus) => number): number => statuses.reduce((total, s) => total + pick(s), 0);
  const count = sum((s) => s.latency.count);
  const weighted = (pick: (l: LatencySummary) => number): number =>
    count === 0 ? 0 : Math.round((sum((s) => pick(s.latency) * s.latency.count) / count) * 1000) / 1000;
  const worst = (pick: (l: LatencySummary) => number): number =>
    Math.max(0, ...statuses.map((s) => pick(s.latency)));
  const errorKinds: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  for (const s of statuses) {
    addCounts(errorKinds, s.errorKinds);
    addCounts(refusals, s.refusals);
  }
  const lastServed = Math.max(0, ...statuses.map((s) => s.lastServedAtEpochMs ?? 0));
  return {
    agents: sum((s) => s.agents),
    open: sum((s) => s.open),
    served: sum((s) => s.served),
    servedSince: sum((s) => s.servedSince),
    ...(lastServed > 0 ? { lastServedAtEpochMs: lastServed } : {}),
    messages: sum((s) => s.messages),
    latency: {
      count,
      p50: weighted((l) => l.p50),
      p90: worst((l) => l.p90),
      p99: worst((l) => l.p99),
      max: worst((l) => l.max),
      mean: weighted((l) => l.mean),
    },
    unanswered: sum((s) => s.unanswered),
    maxTickLagMs: Math.max(0, ...statuses.map((s) => s.maxTickLagMs)),
    errors: sum((s) => s.errors),
    errorKinds,
    refusals,
    reconnects: sum((s) => s.reconnects),
    counters: {
      fullStateRequests: sum((s) => s.counters.fullStateRequests),
      errorReplies: sum((s) => s.counters.errorReplies),
      remoteConfigs: sum((s) => s.counters.remoteConfigs),
      wrongUid: sum((s) => s.counters.wrongUid),
    },
    byGenerator: statuses,
  };
}

/** How {@link ScaleFleet.start} splits the fleet. */
export interface FleetLayout {
  readonly agents: number;
  readonly processes: number;
  readonly heartbeatMs: number;
  readonly salt: string;
  /** Connections each process opens at once. */
  readonly concurrency: number;
}

/**
 * The agents of a scale run in several `scale-load` processes, each from its own loopback source address
 * (127.0.0.2, 127.0.0.3, ...): each process stays under the open-file cap, and no source address runs out of
 * ephemeral ports when the whole fleet reconnects at once.
 */
export class ScaleFleet {
  private constructor(
    private readonly generators: readonly ScaleGenerator[],
    readonly layout: FleetLayout,
  ) {}

  static start(layout: FleetLayout): ScaleFleet {
    const generators = Array.from({ length: layout.processes }, (_, i) => {
      const child = fork(join(BENCH_DIST, 'generators', 'scale-load.js'), [], {
        execArgv: ['--max-old-space-size=2048'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      return new ScaleGenerator(child, `127.0.0.${i + 2}`);
    });
    return new ScaleFleet(generators, layout);
  }

  get pids(): number[] {
    return this.generators.map((g) => g.pid);
  }

  get localAddresses(): string[] {
    return this.generators.map((g) => g.localAddress);
  }

  /** Connects every agent (full state each); resolves when every process has all its agents served or failed. */
  async connect(url: string, timeoutMs: number): Promise<{ status: FleetStatus; durationMs: number }> {
    const { agents, processes, heartbeatMs, salt, concurrency } = this.layout;
    const started = performance.now();
    const events = await Promise.all(
      this.generators.map((generator, i) => {
        const first = Math.floor((agents * i) / processes);
        const count = Math.floor((agents * (i + 1)) / processes) - first;
        return generator.request(
          {
            type: 'connect',
            url,
            localAddress: generator.localAddress,
            agents: count,
            firstIndex: first,
            salt,
            heartbeatMs,
            concurrency,
            timeoutMs: timeoutMs - 10_000,
          },
          'connected',
          timeoutMs,
        );
      }),
    );
    return { status: mergeStatuses(events.map((e) => e.status)), durationMs: performance.now() - started };
  }

  async measureStart(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.request({ type: 'measure-start' }, 'status', 30_000)));
  }

  async status(servedSinceEpochMs?: number): Promise<FleetStatus> {
    const events = await Promise.all(
      this.generators.map((g) =>
        g.request(
          { type: 'status', ...(servedSinceEpochMs === undefined ? {} : { servedSinceEpochMs }) },
          'status',
          30_000,
        ),
      ),
    );
    return mergeStatuses(events.map((e) => e.status));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.generators.map((g) => g.request({ type: 'close' }, 'closed', 30_000)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.stop()));
  }
}
