import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { type TLSSocket } from 'node:tls';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure `dist/` is the build of the current `src/` (CI builds before testing; a local `npm test`
 * after an edit rebuilds here, once), so tests of the real `node dist/main.js` never run stale code.
 */
export function ensureServerBuilt(): void {
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** How the process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** `node dist/main.js` in a child process on 127.0.0.1. */
export class ServerChild {
  /** Everything it wrote to stdout and stderr. */
  output = '';
  readonly exited: Promise<ProcessExit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly opampPort: number,
    readonly adminPort: number,
    readonly healthPort: number,
    /** The CA of the admin listener's certificate when it serves HTTPS (`ADMIN_TLS_*`). */
    private readonly adminCa?: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Builds if needed, starts the server with `env` (on top of loopback defaults) and waits for `/readyz`,
   * over HTTPS trusting `adminCa` when given.
   */
  static async start(
    env: Record<string, string>,
    timeoutMs = 20_000,
    adminCa?: string,
  ): Promise<ServerChild> {
    ensureServerBuilt();
    const opampPort = env.OPAMP_PORT ? Number(env.OPAMP_PORT) : await freePort();
    const adminPort = await freePort();
    const healthPort = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        OPAMP_HOST: '127.0.0.1',
        ADMIN_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PERSISTENCE: 'memory',
        CONFIG_STORE: 'memory',
        ...env,
        OPAMP_PORT: String(opampPort),
        ADMIN_PORT: String(adminPort),
        HEALTH_HOST: '127.0.0.1',
        HEALTH_PORT: String(healthPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerChild(child, opampPort, adminPort, healthPort, adminCa);
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void server.exited.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`the server exited during start-up:\n${server.output}`);
      try {
        const response = await fetch(`${server.healthUrl}/readyz`);
        await response.arrayBuffer();
        if (response.status === 200) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`the server was not ready within ${timeoutMs} ms:\n${server.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get opampUrl(): string {
    return `http://127.0.0.1:${this.opampPort}/v1/opamp`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.opampPort}/v1/opamp`;
  }

  get adminUrl(): string {
    return `${this.adminCa ? 'https' : 'http'}://127.0.0.1:${this.adminPort}`;
  }

  /** GETs an admin path (trusting the admin CA over HTTPS): the status and the served certificate's CN. */
  adminGet(path: string): Promise<{ status: number; commonName?: string }> {
    return new Promise((resolve, reject) => {
      const url = `${this.adminUrl}${path}`;
      const done = (response: IncomingMessage): void => {
        const socket = response.socket as Partial<TLSSocket>;
        const commonName = socket.getPeerCertificate?.().subject?.CN;
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, commonName: commonName?.toString() }),
        );
      };
      const request = this.adminCa
        ? httpsGet(url, { ca: this.adminCa, agent: false }, done)
        : httpGet(url, done);
      request.on('error', reject);
    });
  }

  /** The probes and metrics listener: `/healthz`, `/readyz`, `/metrics`. */
  get healthUrl(): string {
    return `http://127.0.0.1:${this.healthPort}`;
  }

  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills it hard if it still runs (test clean-up). */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
