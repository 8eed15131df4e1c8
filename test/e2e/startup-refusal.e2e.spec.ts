import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ensureServerBuilt, freePort } from '../support/server-process.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'main.js');

/** Runs the built server with `env` until it exits (or 10 s pass); its exit code and stderr. */
async function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  ensureServerBuilt();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      OPAMP_HOST: '127.0.0.1',
      OPAMP_PORT: String(await freePort()),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stderr };
}

describe('start-up refusal (the server as shipped)', () => {
  it('refuses to start with the admin API on a non-loopback address and no ADMIN_TOKEN, saying why', async () => {
    const { code, stderr } = await run({ ADMIN_HOST: '0.0.0.0', ADMIN_PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(stderr).toMatch(/ADMIN_TOKEN: is required: ADMIN_HOST=0\.0\.0\.0 exposes the admin API/);
  }, 30_000);
});
