import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { ensureServerBuilt, freePort } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `node scripts/start.mjs` on free loopback ports, with what it prints kept (the last 4,000 characters). */
class StartedServer {
  output = '';
  readonly adminUrl: string;
  private constructor(
    readonly child: ChildProcess,
    adminPort: number,
  ) {
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(env: Record<string, string> = {}): Promise<StartedServer> {
    const [opamp, admin, health] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OPAMP_HOST: '127.0.0.1',
        OPAMP_PORT: String(opamp),
        ADMIN_PORT: String(admin),
        HEALTH_HOST: '127.0.0.1',
        HEALTH_PORT: String(health),
        LOG_LEVEL: 'warn',
        ...env,
      },
    });
    return new StartedServer(child, admin);
  }

  async agentNames(): Promise<Array<string | null>> {
    const response = await fetch(`${this.adminUrl}/api/v1/agents`).catch(() => undefined);
    if (!response?.ok) return [];
    const { items } = (await response.json()) as { items: Array<{ serviceName: string | null }> };
    return items.map((agent) => agent.serviceName);
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number | null> {
    const exited = once(this.child, 'exit') as Promise<[number | null]>;
    this.child.kill('SIGTERM');
    return (await exited)[0];
  }
}

describe('npm start (scripts/start.mjs)', () => {
  let started: StartedServer | undefined;

  beforeAll(() => {
    ensureServerBuilt();
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tools/tsconfig.json'],
      { cwd: ROOT },
    );
  }, 120_000);

  afterEach(() => {
    if (started?.child.exitCode === null) started.child.kill('SIGKILL');
    started = undefined;
  });

  it('starts the server with a demo agent the admin API lists, and stops both on SIGTERM', async () => {
    const server = (started = await StartedServer.start());
    let names: Array<string | null> = [];
    // Generous: under a full parallel test run the server's start and the agent's first reply are slow.
    const deadline = Date.now() + 60_000;
    while (!names.includes('demo-agent') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      names = await server.agentNames();
    }
    const demoAgents = names.filter((name) => name === 'demo-agent');
    if (demoAgents.length !== 1) throw new Error(`not one demo agent listed; output:\n${server.output}`);

    expect(await server.stop()).toBe(0);
  }, 90_000);

  it('starts a failing demo agent again and keeps the server running', async () => {
    // Nothing listens on the port the demo agent is sent to, so every attempt fails at once.
    const server = (started = await StartedServer.start({
      DEMO_AGENT_URL: `ws://127.0.0.1:${await freePort()}/v1/opamp`,
    }));
    await eventually(
      () => server.output.includes('the demo agent exited with 1; starting it again'),
      60_000,
      'a restarted demo agent',
    );
    expect((await fetch(`${server.adminUrl}/api/v1/agents`)).ok).toBe(true);

    expect(await server.stop()).toBe(0);
  }, 90_000);
});
