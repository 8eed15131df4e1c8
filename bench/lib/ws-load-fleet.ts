import { type BenchContext } from './bench-context.js';
import { type GeneratorLoad } from './generator-bound.js';
import { type GeneratorProcess } from './generator-process.js';
import { type ConnectResult, type GeneratorCommand, type RunResult } from './generator-protocol.js';
import { ProcessMonitor, type ProcessUsage } from './proc-stats.js';
import { listenOverflows } from './tcp-stats.js';
import { type WsConnectOptions } from './ws-agents.js';
import { mergeConnectResults, mergeRunResults, splitAgents } from './ws-fleet-results.js';

/** One `ws-load` process of a fleet and its name in notes ("generator 1", ...). */
interface FleetMember {
  readonly generator: GeneratorProcess;
  readonly name: string;
}

/** What one process of the fleet did in a storm or a timed run. */
export interface MemberOutcome<R> {
  readonly name: string;
  readonly result: R;
  readonly usage: ProcessUsage;
}

/** One storm run by the whole fleet. */
export interface FleetStorm {
  /** The processes' results as one storm ({@link mergeConnectResults}). */
  readonly result: ConnectResult;
  /** The server's usage from just before the start to the last process's result. */
  readonly server: ProcessUsage;
  /** Each process's result and usage over the same window. */
  readonly members: readonly MemberOutcome<ConnectResult>[];
  /** Wall time of that window, ms (to pool CPU over rounds). */
  readonly windowMs: number;
  /** Connections dropped on a full listen queue during the window, machine-wide ({@link listenOverflows}). */
  readonly listenOverflows?: number;
}

/** One timed run by the whole fleet. */
export interface FleetRun {
  /** The processes' results as one run ({@link mergeRunResults}). */
  readonly result: RunResult;
  /** The server's usage from the first process's measure-start to the last one's measure-end. */
  readonly server: ProcessUsage;
  /** Each process's result and its usage over its own measured window. */
  readonly members: readonly MemberOutcome<RunResult>[];
}

/** `outcomes` as the {@link GeneratorLoad}s the ⚠ rule judges (a lag only for timed runs). */
export const memberLoads = (outcomes: readonly MemberOutcome<ConnectResult | RunResult>[]): GeneratorLoad[] =>
  outcomes.map(({ name, result, usage }) => ({
    name,
    cpuCores: usage.cpuCores,
    ...('maxSendLagMs' in result ? { maxSendLagMs: result.maxSendLagMs } : {}),
  }));

/**
 * The WebSocket agents of a scenario spread over several `ws-load` processes, as the scale run's fleet is: no
 * single process has to keep up with the whole load. Started once per scenario and reused, so every storm
 * after the first meets warm generators. Each process runs a consecutive share of the agents
 * ({@link splitAgents}).
 *
 * Unlike the scale fleet, the sockets are not bound to a source address of their own (127.0.0.2, ...): the
 * storms close and reopen 10,000 sockets several times a minute, each leaving its port in TIME_WAIT, and
 * `bind()` cannot reuse those ports as `connect()` does (`tcp_tw_reuse`). With 15,800 of a source address's
 * ports in TIME_WAIT, a second 10,000-agent storm kept each generator at 85 % of a core choosing ports, and
 * 5,802 upgrades were not sent within the server's 10 s headers timeout (408).
 */
export class WsLoadFleet {
  private constructor(
    private readonly ctx: BenchContext,
    private readonly members: readonly FleetMember[],
  ) {}

  /** Starts `processes` generators and waits until each answers (so none is still starting when timed). */
  static async start(ctx: BenchContext, processes: number): Promise<WsLoadFleet> {
    const members = Array.from({ length: processes }, (_, i) => ({
      generator: ctx.generator('ws-load'),
      name: `generator ${i + 1}`,
    }));
    const fleet = new WsLoadFleet(ctx, members);
    try {
      await Promise.all(
        members.map((m) => m.generator.request({ type: 'ws-config-report' }, 'config-report')),
      );
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  get size(): number {
    return this.members.length;
  }

  get names(): string[] {
    return this.members.map((m) => m.name);
  }

  /** Connects `agents` agents on `url` (each process its share, `concurrency` at once each), untimed. */
  async connect(url: string, agents: number, options: WsConnectOptions = {}): Promise<ConnectResult> {
    const shares = splitAgents(agents, this.size, options.firstIndex ?? this.ctx.agentIndexes(agents));
    const results = await Promise.all(
      this.members.map((member, i) =>
        member.generator.request(
          { type: 'ws-connect', ...this.spec(url, shares[i]!, options) },
          'connect-result',
        ),
      ),
    );
    return mergeConnectResults(results.map((event) => event.result));
  }

  /**
   * A storm: every process prepares its share (agents created, first messages encoded), then all open all
   * their connections at once. The server and every process are measured from just before the start to
   * the last result.
   */
  async storm(
    url: string,
    serverPid: number,
    agents: number,
    options: WsConnectOptions,
  ): Promise<FleetStorm> {
    const shares = splitAgents(agents, this.size, options.firstIndex ?? this.ctx.agentIndexes(agents));
    const concurrent = { ...options, concurrency: agents };
    await Promise.all(
      this.members.map((member, i) =>
        member.generator.request(
          { type: 'ws-prepare', ...this.spec(url, shares[i]!, concurrent) },
          'prepared',
        ),
      ),
    );
    const serverMonitor = new ProcessMonitor(serverPid);
    const monitors = this.members.map((m) => new ProcessMonitor(m.generator.pid));
    const overflowsBefore = listenOverflows();
    const started = performance.now();
    serverMonitor.start();
    for (const monitor of monitors) monitor.start();
    const events = await Promise.all(
      this.members.map((m) => m.generator.request({ type: 'ws-start' }, 'connect-result')),
    );
    const server = serverMonitor.stop();
    const usages = monitors.map((monitor) => monitor.stop());
    const windowMs = performance.now() - started;
    const overflowsAfter = listenOverflows();
    const members = this.members.map((m, i) => ({
      name: m.name,
      result: events[i]!.result,
      usage: usages[i]!,
    }));
    return {
      result: mergeConnectResults(events.map((e) => e.result)),
      server,
      members,
      windowMs,
      ...(overflowsBefore !== undefined && overflowsAfter !== undefined
        ? { listenOverflows: overflowsAfter - overflowsBefore }
        : {}),
    };
  }

  /** A timed run (`ws-run`) of the connected agents on every process at once. */
  async run(command: Extract<GeneratorCommand, { type: 'ws-run' }>, serverPid: number): Promise<FleetRun> {
    const serverMonitor = new ProcessMonitor(serverPid);
    let measuring = 0;
    let server: ProcessUsage | undefined;
    const unsubscribe = this.members.map((m) =>
      m.generator.subscribe((event) => {
        if (event.type === 'measure-start' && measuring++ === 0) serverMonitor.start();
        if (event.type === 'measure-end' && --measuring === 0) server = serverMonitor.stop();
      }),
    );
    try {
      const runs = await Promise.all(
        this.members.map((m) => m.generator.run(command, { generator: m.generator.pid })),
      );
      const members = this.members.map((m, i) => ({
        name: m.name,
        result: runs[i]!.result,
        usage: runs[i]!.usage.generator!,
      }));
      if (!server) throw new Error('ws-run: the generators never ended their measured windows');
      return { result: mergeRunResults(runs.map((r) => r.result)), server, members };
    } finally {
      for (const stop of unsubscribe) stop();
    }
  }

  /** Closes every agent of every process (`disconnect`: an agent_disconnect message first). */
  async close(disconnect = false): Promise<void> {
    await Promise.all(
      this.members.map((m) => m.generator.request({ type: 'ws-close', disconnect }, 'closed')),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => this.ctx.stopGenerator(m.generator)));
  }

  private spec(
    url: string,
    share: { readonly firstIndex: number; readonly count: number },
    options: WsConnectOptions,
  ): Omit<Extract<GeneratorCommand, { type: 'ws-prepare' }>, 'type'> {
    return {
      url,
      agents: share.count,
      concurrency: options.concurrency ?? 500,
      flavor: options.flavor ?? 'collector',
      firstIndex: share.firstIndex,
      salt: this.ctx.salt,
      statusEvery: options.statusEvery ?? 0,
    };
  }
}
