import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { parseServerConfig, ServerConfigModule } from '../../../src/modules/config/index.js';
import { AgentRegistry, AgentSession } from '../../../src/modules/session/index.js';
import {
  OpampWebSocketHandler,
  TRANSPORT_OPTIONS,
  TransportModule,
  type TransportOptions,
} from '../../../src/modules/transport/index.js';
import { FakeConnection } from '../../support/fake-connection.js';

/** What one server process must be able to hold with its defaults (issue 13). */
const FLEET = 100_000;

/** A 16-byte uid made from `index`. */
const uidOf = (index: number): Buffer => {
  const uid = Buffer.alloc(16);
  uid.writeUInt32BE(index, 12);
  return uid;
};

describe('connection capacity on the defaults', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('lets 100,000 WebSockets in (MAX_CONNECTIONS) and queues a reconnect storm (OPAMP_LISTEN_BACKLOG)', () => {
    const config = parseServerConfig({});

    expect(config.opamp.maxConnections).toBeGreaterThanOrEqual(FLEET);
    expect(config.opamp.listenBacklog).toBeGreaterThanOrEqual(4096);
  });

  it('gives the OpAMP listener those limits, with no connection held yet', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: { OPAMP_HOST: '127.0.0.1', OPAMP_PORT: '0' } }),
        TransportModule,
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();

    const options = moduleRef.get<TransportOptions>(TRANSPORT_OPTIONS);
    expect(options.maxConnections).toBeGreaterThanOrEqual(FLEET);
    expect(moduleRef.get(OpampWebSocketHandler).connectionCount).toBe(0);
    // A whole keep-alive turn is the ping interval, in steps short enough for 100,000 sockets.
    expect(moduleRef.get(OpampWebSocketHandler).keepAliveStepMs).toBeLessThanOrEqual(100);
  });

  it('keeps 100,000 agent sessions in the registry, each found by its uid, and forgets them', () => {
    const registry = new AgentRegistry();
    const sessions: AgentSession[] = [];
    for (let i = 0; i < FLEET; i++) {
      const session = new AgentSession(uidOf(i), new FakeConnection(), i);
      registry.add(session);
      sessions.push(session);
    }

    expect(registry.size).toBe(FLEET);
    expect(registry.get(uidOf(0))).toBe(sessions[0]);
    expect(registry.get(uidOf(FLEET - 1))).toBe(sessions[FLEET - 1]);
    expect(registry.list()).toHaveLength(FLEET);
    for (const session of sessions) registry.remove(session);
    expect(registry.size).toBe(0);
  });
});
