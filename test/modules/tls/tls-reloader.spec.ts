import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type SecureContextOptions } from 'node:tls';
import { loadTlsKeyPair, TlsReloader, type TlsFiles } from '../../../src/modules/tls/index.js';
import { eventually } from '../../support/eventually.js';
import { captureLogs, type LogLine } from '../../support/logs.js';
import { TestCa, TlsDir, type PemPair } from '../../support/tls-certificates.js';

describe('TlsReloader', () => {
  let dir: TlsDir;
  let logs: LogLine[];
  let ca: TestCa;
  let first: PemPair;
  let second: PemPair;
  let files: TlsFiles;
  const applied: SecureContextOptions[] = [];
  const target = { setSecureContext: (options: SecureContextOptions) => void applied.push(options) };
  let reloader: TlsReloader | undefined;

  beforeAll(async () => {
    ca = await TestCa.create('reloader CA');
    [first, second] = await Promise.all([ca.server('first'), ca.server('second')]);
  });
  beforeEach(() => {
    dir = new TlsDir();
    logs = captureLogs();
  });
  afterEach(() => {
    reloader?.stop();
    dir.remove();
    applied.length = 0;
  });

  async function start(intervalMs = 60_000): Promise<TlsReloader> {
    files = dir.writePair(first);
    const current = await loadTlsKeyPair(files);
    reloader = new TlsReloader({ files, current, target, intervalMs, listener: 'test listener' });
    return reloader;
  }

  it('applies nothing while the files hold the pair in use', async () => {
    const tls = await start();
    await expect(tls.check()).resolves.toEqual({ result: 'unchanged' });
    expect(applied).toHaveLength(0);
  });

  it('applies a new valid pair once', async () => {
    const tls = await start();
    dir.writePair(second);
    const outcome = await tls.check();
    expect(outcome).toMatchObject({ result: 'reloaded' });
    expect(outcome.result === 'reloaded' && outcome.pair.certificate.subject).toBe('CN=second');
    expect(applied).toHaveLength(1);
    expect(applied[0]?.cert?.toString()).toBe(second.cert);
    await expect(tls.check()).resolves.toEqual({ result: 'unchanged' });
    expect(applied).toHaveLength(1);
  });

  it('keeps the pair in use when the new key is not the certificate’s, logging it once', async () => {
    const tls = await start();
    dir.write('tls.crt', second.cert); // the key file still holds the first key
    await expect(tls.check()).resolves.toMatchObject({
      result: 'rejected',
      error: { name: 'TlsKeyPairError', file: files.keyFile },
    });
    await expect(tls.check()).resolves.toMatchObject({ result: 'rejected' });
    expect(applied).toHaveLength(0);
    expect(logs.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^new TLS files refused; the certificate in use stays/),
      }),
    ]);
    dir.write('tls.key', second.key); // the pair completes
    await expect(tls.check()).resolves.toMatchObject({ result: 'reloaded' });
    expect(applied).toHaveLength(1);
  });

  it('keeps the pair in use when a file disappears', async () => {
    const tls = await start();
    dir.remove();
    await expect(tls.check()).resolves.toMatchObject({
      result: 'rejected',
      error: { name: 'TlsFileUnreadableError', code: 'ENOENT' },
    });
    expect(applied).toHaveLength(0);
  });

  it('keeps the pair in use when OpenSSL refuses what the checks let through', async () => {
    const tls = await start();
    target.setSecureContext = () => {
      throw new Error('unsupported');
    };
    dir.writePair(second);
    await expect(tls.check()).resolves.toMatchObject({
      result: 'rejected',
      error: {
        name: 'TlsKeyPairError',
        message: expect.stringMatching(/cannot be used by TLS: unsupported/),
      },
    });
    target.setSecureContext = (options) => void applied.push(options);
  });

  it('checks on its own every interval once started', async () => {
    const tls = await start(20);
    tls.start();
    dir.writePair(second);
    await eventually(() => applied.length === 1, 2000, 'the new pair applied by the timer');
    tls.stop();
  });
});
