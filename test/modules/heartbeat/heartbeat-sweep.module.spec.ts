import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import { AgentCapabilities } from '../../../src/generated/opamp/v1/opamp.js';
import { CLOCK } from '../../../src/common/clock.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { ConnectionSettingsModule } from '../../../src/modules/connection-settings/index.js';
import { HeartbeatModule, HeartbeatMonitor, SWEEP_STEP_MS } from '../../../src/modules/heartbeat/index.js';
import { bitmask } from '../../../src/modules/protocol/index.js';
import { type DisconnectReason } from '../../../src/plugin-api/index.js';
import { AgentEvents, AgentRegistry, MessagePipeline } from '../../../src/modules/session/index.js';
import { FakeClock, FakeConnection } from '../../support/fake-connection.js';
import { agentToServer, description, randomUid } from '../../support/opamp-messages.js';

const HEARTBEATS = bitmask(AgentCapabilities.AgentCapabilities_ReportsHeartbeat);
const ENV = { HEARTBEAT_INTERVAL_S: '10', STALE_AFTER_S: '75', SWEEP_INTERVAL_S: '30' };
const STALE_AFTER_MS = 75_000;
const SWEEP_MS = 30_000;

describe('HeartbeatModule: the stale sweep', () => {
  let moduleRef: TestingModule | undefined;
  let clock: FakeClock;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    jest.useRealTimers();
  });

  const start = async (extra: Array<typeof ConnectionSettingsModule> = []): Promise<TestingModule> => {
    clock = new FakeClock();
    moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: ENV }),
        ScheduleModule.forRoot(),
        HeartbeatModule,
        ...extra,
      ],
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    await moduleRef.init();
    return moduleRef;
  };

  /** Registers an agent with one message on `connection`; returns its uid. */
  const connect = async (connection: FakeConnection, capabilities = 0n): Promise<Buffer> => {
    const uid = randomUid();
    await moduleRef!
      .get(MessagePipeline)
      .handle(
        connection,
        agentToServer({ instanceUid: uid, capabilities, agentDescription: description('a') }),
      );
    return uid;
  };

  const disconnects = (): DisconnectReason[] => {
    const reasons: DisconnectReason[] = [];
    moduleRef!.get(AgentEvents).subscribe((event) => {
      if (event.type === 'disconnected') reasons.push(event.reason);
    });
    return reasons;
  };

  it('ends an HTTP agent silent longer than STALE_AFTER_S as stale, and not at the limit', async () => {
    await start();
    const uid = await connect(new FakeConnection('http'));
    const reasons = disconnects();
    const monitor = moduleRef!.get(HeartbeatMonitor);

    clock.advance(STALE_AFTER_MS);
    expect(monitor.sweep()).toHaveLength(0);
    clock.advance(1);
    expect(monitor.sweep()).toHaveLength(1);

    expect(moduleRef!.get(AgentRegistry).get(uid)).toBeUndefined();
    expect(reasons).toEqual(['stale']);
  });

  it('closes the socket of a silent WebSocket agent that promised heartbeats with 1008', async () => {
    await start();
    const connection = new FakeConnection('websocket');
    const uid = await connect(connection, HEARTBEATS);

    clock.advance(STALE_AFTER_MS + 1);
    moduleRef!.get(HeartbeatMonitor).sweep();

    expect(connection.closed?.code).toBe(1008);
    expect(moduleRef!.get(AgentRegistry).get(uid)).toBeUndefined();
  });

  it('keeps a silent WebSocket agent that never promised heartbeats', async () => {
    await start();
    const connection = new FakeConnection('websocket');
    const uid = await connect(connection);

    clock.advance(10 * STALE_AFTER_MS);
    moduleRef!.get(HeartbeatMonitor).sweep();

    expect(connection.closed).toBeUndefined();
    expect(moduleRef!.get(AgentRegistry).get(uid)).toBeDefined();
  });

  it('sweeps on its own once started, a share of the sessions each second, all of them every SWEEP_INTERVAL_S, and stops when closed', async () => {
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'Date', 'hrtime', 'performance'],
    });
    await start();
    const steps = SWEEP_MS / SWEEP_STEP_MS;
    const uids: Buffer[] = [];
    for (let i = 0; i < 2 * steps; i++) uids.push(await connect(new FakeConnection('http')));
    const registry = moduleRef!.get(AgentRegistry);
    clock.advance(STALE_AFTER_MS + 1);

    jest.advanceTimersByTime(SWEEP_STEP_MS - 1);
    expect(registry.size).toBe(2 * steps);
    const left: number[] = [];
    for (let i = 0; i < steps; i++) {
      jest.advanceTimersByTime(i === 0 ? 1 : SWEEP_STEP_MS);
      left.push(registry.size);
    }
    // Two sessions a step, no step all of them at once; every one ended within one SWEEP_INTERVAL_S.
    expect(left.slice(0, 3)).toEqual([2 * steps - 2, 2 * steps - 4, 2 * steps - 6]);
    expect(registry.size).toBe(0);
    expect(uids.every((uid) => registry.get(uid) === undefined)).toBe(true);
    expect(jest.getTimerCount()).toBe(1);

    await moduleRef!.close();
    moduleRef = undefined;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not end again in a later step a session that ended after its pass began', async () => {
    await start();
    const reasons = disconnects();
    const monitor = moduleRef!.get(HeartbeatMonitor);
    const first = await connect(new FakeConnection('http'));
    await connect(new FakeConnection('http'));
    clock.advance(STALE_AFTER_MS + 1);

    monitor.sweepStep(); // takes the snapshot of both, checks the first
    monitor.sweep(); // ends both now
    const later: number[] = [];
    for (let i = 1; i < SWEEP_MS / SWEEP_STEP_MS; i++) later.push(monitor.sweepStep().length);

    expect(moduleRef!.get(AgentRegistry).get(first)).toBeUndefined();
    expect(later.every((ended) => ended === 0)).toBe(true);
    expect(reasons).toEqual(['stale', 'stale']);
  });

  it('with the ConnectionSettingsModule, offers HEARTBEAT_INTERVAL_S to an agent that reports heartbeats', async () => {
    await start([ConnectionSettingsModule]);
    const server = moduleRef!.get(MessagePipeline);
    const reply = (capabilities: bigint) =>
      server.handle(
        new FakeConnection('http'),
        agentToServer({ instanceUid: randomUid(), capabilities, agentDescription: description('a') }),
      );

    const heartbeating = await reply(HEARTBEATS);
    const silent = await reply(0n);

    expect(heartbeating.connectionSettings?.opamp?.heartbeatIntervalSeconds).toBe(10n);
    expect(silent.connectionSettings).toBeUndefined();
  });
});
