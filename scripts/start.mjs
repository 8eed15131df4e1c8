// `npm start`: the server (`node dist/main.js`) with the embedded defaults and, so that the web UI at
// http://127.0.0.1:4321/ has an agent to show on a fresh clone, one demo agent (`tools/demo-agent`) that
// connects once the server is ready and reports every 10 s until the server stops. `START_DEMO_AGENT=false`
// starts the server alone (the image runs `node dist/main.js` directly and never starts a demo agent).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const server = spawn(process.execPath, ['dist/main.js'], { cwd: root, stdio: 'inherit' });
let demo;
let stopping = false;

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    demo?.kill(signal);
    server.kill(signal);
  });
}
server.on('exit', (code, signal) => {
  demo?.kill('SIGTERM');
  process.exitCode = code ?? (signal ? 1 : 0);
});

/** The readiness probe of the health listener (HEALTH_HOST/HEALTH_PORT, loopback when it listens everywhere). */
function readyzUrl() {
  const host = !env.HEALTH_HOST || env.HEALTH_HOST === '0.0.0.0' ? '127.0.0.1' : env.HEALTH_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.HEALTH_PORT ?? '4322'}/readyz`;
}

async function waitUntilReady(deadlineMs) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until && server.exitCode === null) {
    const ready = await fetch(readyzUrl(), { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return true;
    await sleep(250);
  }
  return false;
}

const wanted = (env.START_DEMO_AGENT ?? 'true') !== 'false';
// A demo agent that fails (its first reply can take longer than its 5 s wait on a busy machine) is started
// again, a few times, so the UI still has an agent to show; after that the server keeps running alone.
const DEMO_AGENT_ATTEMPTS = 5;
const DEMO_AGENT_RETRY_MS = 2000;
let demoAttempts = 0;

function startDemoAgent() {
  const opampHost = !env.OPAMP_HOST || env.OPAMP_HOST === '0.0.0.0' ? '127.0.0.1' : env.OPAMP_HOST;
  demoAttempts += 1;
  demo = spawn(process.execPath, ['tools/dist/tools/demo-agent/demo-agent.js'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...env,
      DEMO_AGENT_URL: env.DEMO_AGENT_URL ?? `ws://${opampHost}:${env.OPAMP_PORT ?? '4320'}/v1/opamp`,
      // A week of reports, 10 s apart: it stays until the server stops.
      DEMO_AGENT_COUNT: env.DEMO_AGENT_COUNT ?? '60480',
      DEMO_AGENT_INTERVAL_MS: env.DEMO_AGENT_INTERVAL_MS ?? '10000',
    },
  });
  demo.on('exit', (code) => {
    if (!code || server.exitCode !== null || stopping) return;
    const again = demoAttempts < DEMO_AGENT_ATTEMPTS;
    process.stderr.write(
      `npm start: the demo agent exited with ${code}; ${again ? 'starting it again' : 'the server keeps running without it'}\n`,
    );
    if (again) setTimeout(() => stopping || startDemoAgent(), DEMO_AGENT_RETRY_MS).unref();
  });
}

// The demo agent speaks plain WebSocket to the loopback listener; with TLS on it, it stays out.
if (wanted && !env.OPAMP_TLS_CERT_FILE && (await waitUntilReady(60_000))) startDemoAgent();
