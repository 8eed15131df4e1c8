import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureServerBuilt, ServerChild } from '../support/server-process.js';
import { TestCa, TlsDir } from '../support/tls-certificates.js';

/** `node dist/main.js`: the admin listener over HTTPS, and start-up refusals of bad TLS settings. */
describe('admin listener over TLS (the server as shipped)', () => {
  const dir = new TlsDir();
  let ca: TestCa;
  let server: ServerChild | undefined;

  beforeAll(async () => {
    ensureServerBuilt();
    ca = await TestCa.create('admin CA');
  }, 120_000);
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });
  afterAll(() => dir.remove());

  it('serves HTTPS and picks up a rotated certificate for new connections', async () => {
    const files = dir.writePair(await ca.server('admin-first'), 'admin');
    server = await ServerChild.start(
      {
        ADMIN_TLS_CERT_FILE: files.certFile,
        ADMIN_TLS_KEY_FILE: files.keyFile,
        TLS_RELOAD_INTERVAL_S: '0.1',
        LOG_LEVEL: 'info',
      },
      20_000,
      ca.cert,
    );
    expect(server.adminUrl).toMatch(/^https:/);
    await expect(server.adminGet('/api/v1/agents')).resolves.toEqual({
      status: 200,
      commonName: 'admin-first',
    });

    dir.writePair(await ca.server('admin-second'), 'admin');
    // Each GET is a new connection (no keep-alive agent); the child checks its files every 100 ms.
    let served: string | undefined;
    for (const deadline = Date.now() + 5000; served !== 'admin-second' && Date.now() < deadline;) {
      served = (await server.adminGet('/api/v1/agents')).commonName;
      if (served !== 'admin-second') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(served).toBe('admin-second');
    expect(server.output).toMatch(/"listener":"admin listener".*TLS certificate reloaded/);
  });

  it('refuses to start with a certificate but no key, naming the missing variable', async () => {
    const files = dir.writePair(await ca.server(), 'half');
    const attempt = ServerChild.start({ OPAMP_TLS_CERT_FILE: files.certFile });
    await expect(attempt).rejects.toThrow(
      /OPAMP_TLS_KEY_FILE: must be set together with OPAMP_TLS_CERT_FILE \(both or neither\)/,
    );
  });

  it('refuses to start, without a stack trace, when a certificate file cannot be read', async () => {
    const attempt = ServerChild.start({
      ADMIN_TLS_CERT_FILE: `${dir.path}/absent.crt`,
      ADMIN_TLS_KEY_FILE: `${dir.path}/absent.key`,
    });
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/opamp-nest: cannot read the TLS certificate file .*absent\.crt.*ENOENT/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('refuses to start when the OpAMP listener’s key is not its certificate’s', async () => {
    const [one, two] = await Promise.all([ca.server('one'), ca.server('two')]);
    const attempt = ServerChild.start({
      OPAMP_TLS_CERT_FILE: dir.write('one.crt', one.cert),
      OPAMP_TLS_KEY_FILE: dir.write('two.key', two.key),
    });
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/opamp-nest: the TLS private key file .*two\.key.* is not the key of/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });
});
