import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import {
  ConfigValidationError,
  parseServerConfig,
  SERVER_CONFIG,
  ServerConfigModule,
  type ServerConfig,
} from '../../../src/modules/config/index.js';

describe('server configuration', () => {
  it('has working defaults for an empty environment', () => {
    const config = parseServerConfig({});
    expect(config.opamp).toEqual(
      expect.objectContaining({
        host: '0.0.0.0',
        port: 4320,
        path: '/v1/opamp',
        maxMessageBytes: 16 * 1024 * 1024,
      }),
    );
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 4321, token: undefined });
    expect(config.opamp.unixSocket).toBeUndefined();
  });

  it('reads and converts variables', () => {
    const config = parseServerConfig({
      OPAMP_PORT: '0',
      WS_PING_INTERVAL_S: '5',
      OPAMP_UNIX_SOCKET: '/tmp/x.sock',
    });
    expect(config.opamp.port).toBe(0);
    expect(config.opamp.wsPingIntervalMs).toBe(5000);
    expect(config.opamp.unixSocket).toBe('/tmp/x.sock');
  });

  it('names every bad variable and what it accepts', () => {
    let error: unknown;
    try {
      parseServerConfig({ OPAMP_PORT: 'http', LOG_FORMAT: 'xml', OPAMP_UNIX_SOCKET: 'relative.sock' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const names = (error as ConfigValidationError).variables.map((v) => v.name);
    expect(names.sort()).toEqual(['LOG_FORMAT', 'OPAMP_PORT', 'OPAMP_UNIX_SOCKET']);
    expect((error as Error).message).toMatch(/OPAMP_PORT: .*\(accepts a TCP port 0-65535/);
  });

  it('provides the typed config through the Nest module, from the given env only', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: { ADMIN_PORT: '9999' } })],
    }).compile();
    expect(moduleRef.get<ServerConfig>(SERVER_CONFIG).admin.port).toBe(9999);
    expect(process.env.ADMIN_PORT).toBeUndefined();
  });

  it('fails module start-up on a bad value', async () => {
    await expect(
      Test.createTestingModule({
        imports: [ServerConfigModule.forRoot({ env: { MAX_MESSAGE_BYTES: '-1' } })],
      }).compile(),
    ).rejects.toThrow(/MAX_MESSAGE_BYTES/);
  });

  it('refuses an admin API beyond loopback without ADMIN_TOKEN, naming the variable and why', () => {
    for (const host of ['0.0.0.0', '10.0.0.7', '::', 'node-a.example']) {
      expect(() => parseServerConfig({ ADMIN_HOST: host })).toThrow(ConfigValidationError);
      expect(() => parseServerConfig({ ADMIN_HOST: host })).toThrow(/ADMIN_TOKEN: is required: ADMIN_HOST=/);
    }
    expect(parseServerConfig({ ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN: 'a-token-of-16-chars' }).admin.host).toBe(
      '0.0.0.0',
    );
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) {
      expect(parseServerConfig({ ADMIN_HOST: host }).admin.host).toBe(host);
    }
  });

  it('puts probes and metrics on a port of their own, on every interface by default', () => {
    expect(parseServerConfig({}).health).toEqual({ host: '0.0.0.0', port: 4322 });
  });

  it('bounds the adaptive write concurrency: it starts at 4 within MIN and MAX, and MIN may not exceed MAX', () => {
    expect(parseServerConfig({}).kubernetes.writeConcurrency).toEqual({
      initial: 4,
      min: 4,
      max: 32,
      slowMs: 250,
    });
    expect(
      parseServerConfig({ PERSISTENCE_WRITE_CONCURRENCY_MIN: '8', PERSISTENCE_WRITE_CONCURRENCY_MAX: '8' })
        .kubernetes.writeConcurrency,
    ).toMatchObject({ initial: 8, min: 8, max: 8 });
    expect(() =>
      parseServerConfig({ PERSISTENCE_WRITE_CONCURRENCY_MIN: '9', PERSISTENCE_WRITE_CONCURRENCY_MAX: '8' }),
    ).toThrow(/PERSISTENCE_WRITE_CONCURRENCY_MAX: must be at least PERSISTENCE_WRITE_CONCURRENCY_MIN \(9\)/);
  });
});
