import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, parseServerConfig } from '../../../src/modules/config/index.js';

/** The message start-up prints for `env`, or undefined when it parses. */
function refusal(env: Record<string, string>): string | undefined {
  try {
    parseServerConfig(env);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).message;
  }
}

describe('TLS settings', () => {
  it('are off by default', () => {
    const config = parseServerConfig({});
    expect(config.opamp.tls).toBeUndefined();
    expect(config.admin.tls).toBeUndefined();
  });

  it('shape both listeners’ files and the reload interval', () => {
    const config = parseServerConfig({
      OPAMP_TLS_CERT_FILE: '/tls/tls.crt',
      OPAMP_TLS_KEY_FILE: '/tls/tls.key',
      OPAMP_TLS_CLIENT_CA_FILE: '/tls/ca.crt',
      ADMIN_TLS_CERT_FILE: '/admin/tls.crt',
      ADMIN_TLS_KEY_FILE: '/admin/tls.key',
      TLS_RELOAD_INTERVAL_S: '0.5',
    });
    expect(config.opamp.tls).toEqual({
      certFile: '/tls/tls.crt',
      keyFile: '/tls/tls.key',
      clientCaFile: '/tls/ca.crt',
      reloadIntervalMs: 500,
    });
    expect(config.admin.tls).toEqual({
      certFile: '/admin/tls.crt',
      keyFile: '/admin/tls.key',
      clientCaFile: undefined,
      reloadIntervalMs: 500,
    });
  });

  it('defaults the reload interval to 10 s', () => {
    const config = parseServerConfig({ OPAMP_TLS_CERT_FILE: '/c', OPAMP_TLS_KEY_FILE: '/k' });
    expect(config.opamp.tls?.reloadIntervalMs).toBe(10_000);
  });

  it('refuses a certificate without its key, naming the missing variable', () => {
    expect(refusal({ OPAMP_TLS_CERT_FILE: '/tls/tls.crt' })).toMatch(
      /OPAMP_TLS_KEY_FILE: must be set together with OPAMP_TLS_CERT_FILE \(both or neither\)/,
    );
    expect(refusal({ OPAMP_TLS_CERT_FILE: '/tls/tls.crt', OPAMP_TLS_KEY_FILE: '  ' })).toMatch(
      /OPAMP_TLS_KEY_FILE: must be set together/,
    );
  });

  it('refuses a key without its certificate, on either listener', () => {
    expect(refusal({ OPAMP_TLS_KEY_FILE: '/tls/tls.key' })).toMatch(
      /OPAMP_TLS_CERT_FILE: must be set together with OPAMP_TLS_KEY_FILE/,
    );
    expect(refusal({ ADMIN_TLS_KEY_FILE: '/a/tls.key' })).toMatch(
      /ADMIN_TLS_CERT_FILE: must be set together with ADMIN_TLS_KEY_FILE/,
    );
    expect(refusal({ ADMIN_TLS_CERT_FILE: '/a/tls.crt' })).toMatch(/ADMIN_TLS_KEY_FILE: must be set/);
  });

  it('refuses a client CA without a server certificate', () => {
    expect(refusal({ OPAMP_TLS_CLIENT_CA_FILE: '/tls/ca.crt' })).toMatch(
      /OPAMP_TLS_CLIENT_CA_FILE: needs OPAMP_TLS_CERT_FILE and OPAMP_TLS_KEY_FILE/,
    );
  });

  it('reports a half pair together with other bad variables', () => {
    const message = refusal({ OPAMP_TLS_CERT_FILE: '/tls/tls.crt', OPAMP_PORT: 'x' });
    expect(message).toMatch(/OPAMP_PORT/);
    expect(message).toMatch(/OPAMP_TLS_KEY_FILE/);
  });
});
