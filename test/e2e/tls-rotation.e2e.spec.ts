import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OpampListener } from '../../src/modules/transport/index.js';
import { TlsFileUnreadableError } from '../../src/modules/tls/index.js';
import { postMessage } from '../support/http-agent.js';
import { randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestCa, TlsDir, type PemPair } from '../support/tls-certificates.js';
import { WsTestAgent } from '../support/ws-agent.js';

/**
 * A Kubernetes Secret volume: `tls.crt` and `tls.key` are links into `..data`, itself a link to a timestamped
 * directory; an update writes a new directory and swaps `..data` atomically.
 */
class SecretVolume {
  private version = 0;
  constructor(readonly path: string) {}

  get certFile(): string {
    return join(this.path, 'tls.crt');
  }

  get keyFile(): string {
    return join(this.path, 'tls.key');
  }

  publish(cert: string, key: string): void {
    const dir = `..v${++this.version}`;
    mkdirSync(join(this.path, dir));
    writeFileSync(join(this.path, dir, 'tls.crt'), cert);
    writeFileSync(join(this.path, dir, 'tls.key'), key);
    symlinkSync(dir, join(this.path, '..data_tmp'));
    renameSync(join(this.path, '..data_tmp'), join(this.path, '..data'));
    if (this.version === 1) {
      symlinkSync('..data/tls.crt', this.certFile);
      symlinkSync('..data/tls.key', this.keyFile);
    }
  }
}

describe('OpAMP listener certificate rotation', () => {
  const dir = new TlsDir();
  const volume = new SecretVolume(dir.path);
  let ca: TestCa;
  let second: PemPair;
  let server: TestServer;
  let listener: OpampListener;

  /** The common name of the certificate a new TLS connection is served. */
  const servedCommonName = (): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: listener.address().port, ca: ca.cert }, () => {
        resolve(String(socket.getPeerCertificate().subject?.CN));
        socket.end();
      });
      socket.on('error', reject);
    });

  beforeAll(async () => {
    ca = await TestCa.create('rotation CA');
    const first = await ca.server('first');
    second = await ca.server('second');
    volume.publish(first.cert, first.key);
    server = await startTestServer({
      // A timer far away: the checks in these tests are the explicit ones.
      env: {
        OPAMP_TLS_CERT_FILE: volume.certFile,
        OPAMP_TLS_KEY_FILE: volume.keyFile,
        TLS_RELOAD_INTERVAL_S: '3600',
      },
    });
    listener = server.app.get(OpampListener);
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it('serves a new pair to new connections while an open WebSocket keeps working', async () => {
    const agent = await WsTestAgent.connect(server.wsUrl, undefined, { ca: ca.cert });
    const uid = randomUid();
    await agent.request({ instanceUid: uid });
    expect(await servedCommonName()).toBe('first');
    await expect(listener.checkTlsFiles()).resolves.toEqual({ result: 'unchanged' });

    volume.publish(second.cert, second.key);
    await expect(listener.checkTlsFiles()).resolves.toMatchObject({ result: 'reloaded' });

    expect(await servedCommonName()).toBe('second');
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid() }, undefined, {
      ca: ca.cert,
    });
    expect(exchange.status).toBe(200);
    const reply = await agent.request({ instanceUid: uid, sequenceNum: 1n });
    expect(Buffer.from(reply.instanceUid).equals(uid)).toBe(true);
    expect(agent.closeCode).toBeUndefined();
    agent.close();
  });

  it('keeps the pair in use when the new key is not the certificate’s', async () => {
    const third = await ca.server('third');
    volume.publish(third.cert, second.key);
    await expect(listener.checkTlsFiles()).resolves.toMatchObject({
      result: 'rejected',
      error: { name: 'TlsKeyPairError' },
    });
    expect(await servedCommonName()).toBe('second');
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid() }, undefined, {
      ca: ca.cert,
    });
    expect(exchange.status).toBe(200);
  });
});

describe('OpAMP listener TLS start-up', () => {
  it('refuses to start when the certificate file cannot be read', async () => {
    const dir = new TlsDir();
    try {
      const attempt = startTestServer({
        env: { OPAMP_TLS_CERT_FILE: join(dir.path, 'absent.crt'), OPAMP_TLS_KEY_FILE: join(dir.path, 'k') },
      });
      await expect(attempt).rejects.toBeInstanceOf(TlsFileUnreadableError);
      await expect(attempt).rejects.toMatchObject({ role: 'certificate', code: 'ENOENT' });
    } finally {
      dir.remove();
    }
  });
});
