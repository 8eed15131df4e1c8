import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, openSync, closeSync } from 'node:fs';
import { InspectorClient } from './inspector-client.js';
import { imageNodeOptions } from './image-node-options.js';
import { SERVER_MAIN } from './paths.js';
import { freePort } from './ports.js';
import { sleep, waitFor } from './sleep.js';

/** Options of {@link ServerProcess.start}. */
export interface ServerProcessOptions {
  /** Variables on top of the bench defaults (loopback, free ports, `LOG_LEVEL=info`). */
  readonly env?: Record<string, string>;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** File receiving the server's stdout and stderr. */
  readonly logFile: string;
  /** Start with `--inspect=127.0.0.1:0` and connect an {@link InspectorClient} (GC and heap numbers). */
  readonly inspect?: boolean;
  /** Use these ports instead of free ones (a restart on the same address). */
  readonly opampPort?: number;
  readonly adminPort?: number;
  /** How long start-up may take before it is a failure (default 30 s; a loaded machine may need more). */
  readonly readyTimeoutMs?: number;
}

/** How a server process ended. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the stop signal to the exit, ms. */
  readonly stopMs: number;
}

/** `node dist/main.js` as a child process on 127.0.0.1, ready once `/readyz` answers 200. */
export class ServerProcess {
  inspector?: InspectorClient;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly opampPort: number,
    readonly adminPort: number,
    readonly healthPort: number,
    readonly path: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const opampPort = options.opampPort ?? (await freePort());
    const adminPort = options.adminPort ?? (await freePort());
    const healthPort = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      OPAMP_HOST: '127.0.0.1',
      OPAMP_PORT: String(opampPort),
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: String(adminPort),
      HEALTH_HOST: '127.0.0.1',
      HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PERSISTENCE: 'memory',
      CONFIG_STORE: 'memory',
      ...options.env,
    };
    // BENCH_SERVER_NODE_ARGS: extra node flags for every server (diagnostics, e.g. --trace-gc); after the
    // image's own flags, so that one of them can be tried with another value.
    const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
    const args = [...imageNodeOptions(), ...(options.nodeArgs ?? []), ...extra];
    if (options.inspect) args.push('--inspect=127.0.0.1:0');
    const log = openSync(options.logFile, 'a');
    const child = spawn(process.execPath, [...args, SERVER_MAIN], {
      env,
      stdio: ['ignore', log, options.inspect ? 'pipe' : log],
    });
    closeSync(log);
    const server = new ServerProcess(child, opampPort, adminPort, healthPort, env.OPAMP_PATH ?? '/v1/opamp');
    let inspectorUrl: Promise<string> | undefined;
    if (options.inspect && child.stderr) {
      const stderrLog = createWriteStream(options.logFile, { flags: 'a' });
      let seen = '';
      inspectorUrl = new Promise((resolve) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          stderrLog.write(chunk);
          if (seen.length < 4096) {
            seen += chunk.toString();
            const match = /Debugger listening on (ws:\/\/\S+)/.exec(seen);
            if (match) resolve(match[1]!);
          }
        });
      });
    }
    let exitedEarly = false;
    void server.exited.then(() => (exitedEarly = true));
    // A server that does not become ready is not left running.
    const ready = waitFor(
      async () => {
        if (exitedEarly) throw new Error(`the server exited during start-up; see ${options.logFile}`);
        try {
          const response = await fetch(`${server.healthUrl}/readyz`);
          await response.arrayBuffer();
          return response.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      options.readyTimeoutMs ?? 30_000,
      'the server to be ready',
      50,
    );
    await ready.catch(async (error: unknown) => {
      await server.stop('SIGKILL', 5000);
      throw error;
    });
    if (inspectorUrl) server.inspector = await InspectorClient.connect(await inspectorUrl);
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get opampUrl(): string {
    return `http://127.0.0.1:${this.opampPort}${this.path}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.opampPort}${this.path}`;
  }

  get adminUrl(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  /** The probes and metrics listener: `/healthz`, `/readyz`, `/metrics`. */
  get healthUrl(): string {
    return `http://127.0.0.1:${this.healthPort}`;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The Prometheus text of `/metrics`. */
  async metrics(): Promise<string> {
    const response = await fetch(`${this.healthUrl}/metrics`);
    return response.text();
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<ServerExit> {
    this.inspector?.close();
    const started = performance.now();
    if (this.running) this.child.kill(signal);
    const timeout = sleep(timeoutMs).then(() => 'timeout' as const);
    const result = await Promise.race([this.exited, timeout]);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      const killed = await this.exited;
      return { ...killed, stopMs: performance.now() - started };
    }
    return { ...result, stopMs: performance.now() - started };
  }
}
