import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureServerBuilt, freePort } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start (scripts/start.mjs)', () => {
  let child: ChildProcess;
  let adminUrl: string;

  beforeAll(async () => {
    ensureServerBuilt();
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tools/tsconfig.json'],
      {
        cwd: ROOT,
      },
    );
    const [opamp, admin, health] = [await freePort(), await freePort(), await freePort()];
    adminUrl = `http://127.0.0.1:${admin}`;
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      stdio: 'ignore',
      env: {
        ...process.env,
        OPAMP_HOST: '127.0.0.1',
        OPAMP_PORT: String(opamp),
        ADMIN_PORT: String(admin),
        HEALTH_HOST: '127.0.0.1',
        HEALTH_PORT: String(health),
        LOG_LEVEL: 'warn',
      },
    });
  }, 120_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts the server with a demo agent the admin API lists, and stops both on SIGTERM', async () => {
    let agents: Array<{ serviceName: string | null }> = [];
    const deadline = Date.now() + 30_000;
    while (!agents.some((agent) => agent.serviceName === 'demo-agent') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const response = await fetch(`${adminUrl}/api/v1/agents`).catch(() => undefined);
      if (response?.ok) agents = ((await response.json()) as { items: typeof agents }).items;
    }
    expect(agents.filter((agent) => agent.serviceName === 'demo-agent')).toHaveLength(1);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 60_000);
});
