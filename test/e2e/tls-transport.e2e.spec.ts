import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { postMessage } from '../support/http-agent.js';
import { randomUid } from '../support/opamp-messages.js';
import { authorizeRequests, RecordingAuthorizePlugin } from '../support/recording-authorize-plugin.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestCa, TlsDir } from '../support/tls-certificates.js';
import { WsTestAgent } from '../support/ws-agent.js';

describe('OpAMP listener over TLS (no client certificates)', () => {
  const dir = new TlsDir();
  let ca: TestCa;
  let server: TestServer;
  let socketPath: string;

  beforeAll(async () => {
    ca = await TestCa.create('tls e2e CA');
    const files = dir.writePair(await ca.server());
    socketPath = `${dir.path}/opamp.sock`;
    server = await startTestServer({
      env: {
        OPAMP_TLS_CERT_FILE: files.certFile,
        OPAMP_TLS_KEY_FILE: files.keyFile,
        OPAMP_UNIX_SOCKET: socketPath,
      },
      extras: { plugins: [RecordingAuthorizePlugin] },
    });
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });
  beforeEach(() => {
    authorizeRequests.length = 0;
  });

  it('answers an https:// POST, and the authorize hook sees no client certificate', async () => {
    expect(server.opampUrl).toMatch(/^https:/);
    const uid = randomUid();
    const exchange = await postMessage(server.opampUrl, { instanceUid: uid }, undefined, { ca: ca.cert });
    expect(exchange.status).toBe(200);
    expect(Buffer.from(exchange.message!.instanceUid).equals(uid)).toBe(true);
    expect(authorizeRequests).toHaveLength(1);
    expect(authorizeRequests[0]).toMatchObject({ transport: 'http', remoteAddress: '127.0.0.1' });
    expect(authorizeRequests[0]?.clientCertificate).toBeUndefined();
  });

  it('answers over a wss:// WebSocket', async () => {
    const agent = await WsTestAgent.connect(server.wsUrl, undefined, { ca: ca.cert });
    const uid = randomUid();
    const reply = await agent.request({ instanceUid: uid });
    expect(Buffer.from(reply.instanceUid).equals(uid)).toBe(true);
    expect(authorizeRequests).toEqual([expect.objectContaining({ transport: 'websocket' })]);
    expect(authorizeRequests[0]?.clientCertificate).toBeUndefined();
    agent.close();
  });

  it('does not serve plain HTTP on the TLS port', async () => {
    const plain = server.opampUrl.replace('https:', 'http:');
    await expect(postMessage(plain, { instanceUid: randomUid() })).rejects.toThrow();
    expect(authorizeRequests).toHaveLength(0);
  });

  it('refuses a client that does not trust the server certificate', async () => {
    await expect(postMessage(server.opampUrl, { instanceUid: randomUid() })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('keeps the Unix socket plain', async () => {
    const exchange = await postMessage({ socketPath, path: '/v1/opamp' }, { instanceUid: randomUid() });
    expect(exchange.status).toBe(200);
    expect(authorizeRequests[0]?.clientCertificate).toBeUndefined();
  });
});
