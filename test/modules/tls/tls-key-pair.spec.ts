import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  loadTlsKeyPair,
  tlsContextOptions,
  TlsFileUnreadableError,
  TlsKeyPairError,
} from '../../../src/modules/tls/index.js';
import { TestCa, TlsDir, type PemPair } from '../../support/tls-certificates.js';

describe('loadTlsKeyPair', () => {
  const dir = new TlsDir();
  let ca: TestCa;
  let server: PemPair;
  let other: PemPair;

  beforeAll(async () => {
    ca = await TestCa.create('key-pair CA');
    server = await ca.server('one');
    other = await ca.server('two');
  });
  afterAll(() => dir.remove());

  it('reads a certificate and its key, and the client CAs', async () => {
    const files = { ...dir.writePair(server, 'good'), clientCaFile: dir.write('ca.crt', ca.cert) };
    const pair = await loadTlsKeyPair(files);
    expect(pair.certificate.subject).toBe('CN=one');
    expect(pair.cert.toString()).toBe(server.cert);
    expect(pair.ca?.toString()).toBe(ca.cert);
    expect(tlsContextOptions(pair)).toEqual({ cert: pair.cert, key: pair.key, ca: pair.ca });
  });

  it('names a missing file and its role', async () => {
    const files = { certFile: dir.write('lonely.crt', server.cert), keyFile: `${dir.path}/absent.key` };
    const error = await loadTlsKeyPair(files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsFileUnreadableError);
    expect(error).toMatchObject({ file: files.keyFile, role: 'private key', code: 'ENOENT' });
    expect((error as Error).message).toMatch(/cannot read the TLS private key file .*absent\.key.*ENOENT/);
  });

  it('refuses a key that is not the certificate’s', async () => {
    const files = {
      certFile: dir.write('mixed.crt', server.cert),
      keyFile: dir.write('mixed.key', other.key),
    };
    const error = await loadTlsKeyPair(files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsKeyPairError);
    expect((error as Error).message).toMatch(/is not the key of the certificate in .*mixed\.crt/);
  });

  it('refuses a file that is not PEM', async () => {
    const files = {
      certFile: dir.write('junk.crt', 'not a certificate'),
      keyFile: dir.write('k', server.key),
    };
    await expect(loadTlsKeyPair(files)).rejects.toMatchObject({
      name: 'TlsKeyPairError',
      role: 'certificate',
      message: expect.stringMatching(/does not hold PEM certificates/),
    });
    const keyless = { certFile: dir.write('c2.crt', server.cert), keyFile: dir.write('k2', server.cert) };
    await expect(loadTlsKeyPair(keyless)).rejects.toMatchObject({ role: 'private key' });
  });

  it('refuses a client CA file that is not PEM', async () => {
    const files = { ...dir.writePair(server, 'ca-junk'), clientCaFile: dir.write('bad-ca.crt', 'junk') };
    await expect(loadTlsKeyPair(files)).rejects.toMatchObject({ role: 'client CA' });
  });
});
