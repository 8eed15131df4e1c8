import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postMessage } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsTestAgent } from '../support/ws-agent.js';

describe('Unix domain socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opamp-nest-'));
  const socketPath = join(dir, 'exchange', 'exchange.sock');
  let server: TestServer;

  beforeAll(async () => {
    // A stale file from a previous run must not stop the server.
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'exchange')));
    writeFileSync(socketPath, 'stale');
    server = await startTestServer({ env: { OPAMP_UNIX_SOCKET: socketPath } });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the HTTP transport on the socket', async () => {
    const uid = Buffer.from('01937c3e-0a9b-7d2c-8e4f-5a6b7c8d9e0f');
    const exchange = await postMessage(
      { socketPath, path: '/v1/opamp' },
      { instanceUid: uid, agentDescription: description('python-agent') },
    );
    expect(exchange.status).toBe(200);
    expect(Buffer.from(exchange.message!.instanceUid)).toEqual(uid);
    expect(server.registry.get(uid)?.transport).toBe('http');
  });

  it('makes the socket writable by agents running as any user (0666)', () => {
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o666);
  });

  it('accepts WebSocket upgrades on the socket too', async () => {
    const agent = await WsTestAgent.connect(`ws+unix://${socketPath}:/v1/opamp`);
    const uid = randomUid();
    const reply = await agent.request({ instanceUid: uid, agentDescription: description('ws-over-unix') });
    expect(Buffer.from(reply.instanceUid)).toEqual(uid);
    agent.close();
    await agent.waitClosed();
  });

  it('removes the socket file on shutdown', async () => {
    const other = join(dir, 'other.sock');
    const temporary = await startTestServer({ env: { OPAMP_UNIX_SOCKET: other } });
    expect(existsSync(other)).toBe(true);
    await temporary.close();
    expect(existsSync(other)).toBe(false);
  });
});
