import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type BenchOptions } from './bench-options.js';
import { BaselineProcess } from './baseline-process.js';
import { GeneratorProcess } from './generator-process.js';
import { PROFILES_DIR } from './paths.js';
import { ServerProcess, type ServerProcessOptions } from './server-process.js';

/**
 * Settings every bench server gets: the per-connection rate limit is raised so that the closed-loop
 * scenarios (hundreds of messages per second per socket, far beyond any agent) measure throughput rather
 * than refusals; the limiter still runs on every message.
 */
export const BENCH_SERVER_ENV: Readonly<Record<string, string>> = { MAX_MESSAGES_PER_SECOND: '1000000' };

/** Shared state of one bench run: the baseline, the servers, agent index ranges, logs. */
export class BenchContext {
  readonly logDir: string;
  readonly salt = `${process.pid}-${Date.now()}`;
  private nextAgentIndex = 0;
  private readonly servers = new Map<string, ServerProcess>();
  private readonly generators = new Set<GeneratorProcess>();
  private baselineReported = false;

  private constructor(
    readonly options: BenchOptions,
    readonly baseline: BaselineProcess,
  ) {
    this.logDir = join(tmpdir(), `opamp-bench-${this.salt}`);
    mkdirSync(this.logDir, { recursive: true });
    if (options.cpuProf) mkdirSync(PROFILES_DIR, { recursive: true });
  }

  static async create(options: BenchOptions): Promise<BenchContext> {
    return new BenchContext(options, await BaselineProcess.start());
  }

  get quick(): boolean {
    return this.options.quick;
  }

  /** `quick` in quick mode, else `full`. */
  size<T>(full: T, quick: T): T {
    return this.options.quick ? quick : full;
  }

  /** A range of `count` agent indexes no other scenario of this run uses (distinct uids). */
  agentIndexes(count: number): number {
    const first = this.nextAgentIndex;
    this.nextAgentIndex += count;
    return first;
  }

  /**
   * The server named `name`, started with `env` on first use and kept for later scenarios (`--cpu-prof`
   * profiles it until it stops).
   */
  async server(name: string, options: Omit<ServerProcessOptions, 'logFile'> = {}): Promise<ServerProcess> {
    const existing = this.servers.get(name);
    if (existing?.running) return existing;
    const nodeArgs = [...(options.nodeArgs ?? [])];
    if (this.options.cpuProf) {
      nodeArgs.push(
        '--cpu-prof',
        `--cpu-prof-dir=${PROFILES_DIR}`,
        `--cpu-prof-name=${name}-${this.salt}.cpuprofile`,
      );
    }
    const server = await ServerProcess.start({
      ...options,
      env: { ...BENCH_SERVER_ENV, ...options.env },
      nodeArgs,
      logFile: join(this.logDir, `server-${name}.log`),
    });
    this.servers.set(name, server);
    return server;
  }

  /**
   * Servers (and the baseline) that exited without being stopped since the last call: a scenario during
   * which one died has crashed. A dead server is forgotten, so the next scenario starts a new one.
   */
  takeDeadServers(): string[] {
    const dead: string[] = [];
    for (const [name, server] of this.servers) {
      if (server.running) continue;
      dead.push(`server ${name}`);
      this.servers.delete(name);
    }
    if (!this.baseline.running && !this.baselineReported) {
      this.baselineReported = true;
      dead.push('baseline');
    }
    return dead;
  }

  /** Stops a server started with {@link server} (SIGTERM; its profile is written then). */
  async stopServer(name: string): Promise<void> {
    const server = this.servers.get(name);
    this.servers.delete(name);
    if (!server) return;
    const exit = await server.stop();
    if (exit.code !== 0) process.stderr.write(`server ${name} exited with ${exit.code ?? exit.signal}\n`);
  }

  /** A new load generator process, stopped by {@link close} if not before. */
  generator(name: 'http-load' | 'ws-load'): GeneratorProcess {
    const generator = GeneratorProcess.start(name);
    this.generators.add(generator);
    return generator;
  }

  async stopGenerator(generator: GeneratorProcess): Promise<void> {
    this.generators.delete(generator);
    await generator.stop();
  }

  async close(): Promise<void> {
    await Promise.all([...this.generators].map((g) => g.stop()));
    for (const name of [...this.servers.keys()]) await this.stopServer(name);
    await this.baseline.stop();
  }
}
