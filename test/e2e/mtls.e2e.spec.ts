import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { postMessage } from '../support/http-agent.js';
import { randomUid } from '../support/opamp-messages.js';
import { authorizeRequests, RecordingAuthorizePlugin } from '../support/recording-authorize-plugin.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestCa, TlsDir, type PemPair } from '../support/tls-certificates.js';
import { WsTestAgent } from '../support/ws-agent.js';

/**
 * What a client sees when the server refuses its certificate in the TLS handshake: the TLS 1.3 alert, or the
 * connection reset when the alert loses the race with the close (the authorize hook is never asked).
 */
const HANDSHAKE_REFUSED =
  /ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ERR_SSL_TLSV1_ALERT_UNKNOWN_CA|ECONNRESET|EPIPE/;

describe('OpAMP listener with client certificates (mTLS)', () => {
  const dir = new TlsDir();
  let serverCa: TestCa;
  let agentCa: TestCa;
  let good: PemPair;
  let stranger: PemPair;
  let server: TestServer;

  beforeAll(async () => {
    [serverCa, agentCa] = await Promise.all([TestCa.create('server CA'), TestCa.create('agent CA')]);
    const otherCa = await TestCa.create('other CA');
    good = await agentCa.client('O=acme, CN=agent-1', 'spiffe://cluster.local/ns/apps/sa/agent');
    stranger = await otherCa.client('O=acme, CN=agent-1');
    const files = dir.writePair(await serverCa.server());
    server = await startTestServer({
      env: {
        OPAMP_TLS_CERT_FILE: files.certFile,
        OPAMP_TLS_KEY_FILE: files.keyFile,
        OPAMP_TLS_CLIENT_CA_FILE: dir.write('agents-ca.crt', agentCa.cert),
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

  const expectRefused = async (attempt: Promise<unknown>): Promise<void> => {
    const error = (await attempt.then(
      () => undefined,
      (e: unknown) => e,
    )) as NodeJS.ErrnoException | undefined;
    expect(error).toBeDefined();
    expect(`${error?.code} ${error?.message}`).toMatch(HANDSHAKE_REFUSED);
    expect(authorizeRequests).toHaveLength(0);
  };

  it('refuses the handshake of a client without a certificate, over HTTP and WebSocket', async () => {
    const trust = { ca: serverCa.cert };
    await expectRefused(postMessage(server.opampUrl, { instanceUid: randomUid() }, undefined, trust));
    await expectRefused(WsTestAgent.connect(server.wsUrl, undefined, trust));
  });

  it('refuses the handshake of a client whose certificate another CA signed', async () => {
    const tls = { ca: serverCa.cert, ...stranger };
    await expectRefused(postMessage(server.opampUrl, { instanceUid: randomUid() }, undefined, tls));
    await expectRefused(WsTestAgent.connect(server.wsUrl, undefined, tls));
  });

  it('serves a client with a good certificate and gives it to authorize (HTTP)', async () => {
    const tls = { ca: serverCa.cert, ...good };
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid() }, undefined, tls);
    expect(exchange.status).toBe(200);
    const x509 = new X509Certificate(good.cert);
    expect(authorizeRequests).toHaveLength(1);
    expect(authorizeRequests[0]).toMatchObject({
      transport: 'http',
      clientCertificate: {
        subject: 'O=acme\nCN=agent-1',
        commonName: 'agent-1',
        subjectAltName: 'URI:spiffe://cluster.local/ns/apps/sa/agent',
        issuer: 'CN=agent CA',
        serialNumber: x509.serialNumber,
        fingerprint256: x509.fingerprint256,
        validFrom: x509.validFrom,
        validTo: x509.validTo,
      },
    });
  });

  it('serves a client with a good certificate and gives it to authorize (WebSocket)', async () => {
    const agent = await WsTestAgent.connect(server.wsUrl, undefined, { ca: serverCa.cert, ...good });
    const uid = randomUid();
    const reply = await agent.request({ instanceUid: uid });
    expect(Buffer.from(reply.instanceUid).equals(uid)).toBe(true);
    expect(authorizeRequests).toEqual([
      expect.objectContaining({
        transport: 'websocket',
        clientCertificate: expect.objectContaining({
          subject: 'O=acme\nCN=agent-1',
          fingerprint256: new X509Certificate(good.cert).fingerprint256,
        }),
      }),
    ]);
    agent.close();
  });
});
