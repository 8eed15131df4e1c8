import { afterEach, describe, expect, it } from '@jest/globals';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import { CLOCK } from '../../../src/common/clock.js';
import { AgentCapabilities } from '../../../src/generated/opamp/v1/opamp.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { ConnectionSettingsModule } from '../../../src/modules/connection-settings/index.js';
import {
  HeartbeatModule,
  HeartbeatMonitor,
  HeartbeatPolicy,
  STALE_AGENT_SWEEP_JOB,
} from '../../../src/modules/heartbeat/index.js';
import { bitmask } from '../../../src/modules/protocol/index.js';
import { AgentEvents, AgentRegistry } from '../../../src/modules/session/index.js';
import { OpampListener, TransportModule } from '../../../src/modules/transport/index.js';
import { FakeClock } from '../../support/fake-connection.js';
import { postMessage } from '../../support/http-agent.js';
import { description, randomUid } from '../../support/opamp-messages.js';
import { WsAgentPool } from '../../support/ws-agent.js';

const HEARTBEATS = bitmask(AgentCapabilities.AgentCapabilities_ReportsHeartbeat);
/** Not the defaults (30 s, 75 s, 30 s), so a value read from anywhere else shows. */
const ENV = { HEARTBEAT_INTERVAL_S: '17', STALE_AFTER_S: '40', SWEEP_INTERVAL_S: '1' };
const STALE_AFTER_MS = 40_000;

/**
 * HeartbeatModule with the parts it works with, and nothing else: the configuration, the OpAMP listener
 * (which brings the session pipeline), the connection-settings plugin and, as the application root
 * would, `ScheduleModule.forRoot()`. The clock is fake; the listener and the sweep's interval are real.
 */
async function startHeartbeatApp(clock: FakeClock): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ServerConfigModule.forRoot({ env: { OPAMP_HOST: '127.0.0.1', OPAMP_PORT: '0', ...ENV } }),
      ScheduleModule.forRoot(),
      TransportModule,
      HeartbeatModule,
      ConnectionSettingsModule,
    ],
  })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

describe('HeartbeatModule', () => {
  let app: TestingModule | undefined;
  let clock: FakeClock;
  const opampUrl = (): string => `http://127.0.0.1:${app!.get(OpampListener).address().port}/v1/opamp`;
  const pool = new WsAgentPool(() => opampUrl().replace(/^http:/, 'ws:'));

  const start = async (): Promise<TestingModule> => {
    clock = new FakeClock();
    app = await startHeartbeatApp(clock);
    return app;
  };
  /** Reasons of the sessions ended from now on. */
  const endings = (): string[] => {
    const reasons: string[] = [];
    app!.get(AgentEvents).subscribe((event) => {
      if (event.type === 'disconnected') reasons.push(`${event.session.displayId}: ${event.reason}`);
    });
    return reasons;
  };

  afterEach(async () => {
    pool.closeAll();
    await app?.close();
    app = undefined;
  });

  it('offers agents that report heartbeats the interval HEARTBEAT_INTERVAL_S, from its policy', async () => {
    await start();
    const exchange = await postMessage(opampUrl(), {
      instanceUid: randomUid(),
      capabilities: HEARTBEATS,
      agentDescription: description('beating'),
    });
    expect(exchange.message!.connectionSettings?.opamp?.heartbeatIntervalSeconds).toBe(17n);
    expect(app!.get(HeartbeatPolicy)).toMatchObject({
      intervalS: 17,
      staleAfterMs: STALE_AFTER_MS,
      sweepIntervalMs: 1000,
    });
  });

  it('ends, on its scheduled sweep, an HTTP agent silent for longer than STALE_AFTER_S', async () => {
    await start();
    const uid = randomUid();
    await postMessage(opampUrl(), { instanceUid: uid, agentDescription: description('poller') });
    const registry = app!.get(AgentRegistry);
    const displayId = registry.get(uid)!.displayId;
    const ended = endings();

    clock.advance(STALE_AFTER_MS);
    expect(app!.get(HeartbeatMonitor).sweep()).toEqual([]); // silent exactly STALE_AFTER_S: not yet
    clock.advance(1);
    // No call from the test: the interval registered for SWEEP_INTERVAL_S=1 runs the sweep.
    const deadline = Date.now() + 3000;
    while (registry.get(uid) && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));

    expect(registry.get(uid)).toBeUndefined();
    expect(ended).toEqual([`${displayId}: stale`]);
  });

  it('keeps a silent WebSocket agent that does not report heartbeats, and ends one that does', async () => {
    await start();
    const quiet = await pool.connect();
    const quietUid = randomUid();
    await quiet.request({ instanceUid: quietUid, agentDescription: description('quiet') });
    const beating = await pool.connect();
    const beatingUid = randomUid();
    await beating.request({
      instanceUid: beatingUid,
      capabilities: HEARTBEATS,
      agentDescription: description('beating'),
    });

    clock.advance(10 * STALE_AFTER_MS);
    const swept = app!.get(HeartbeatMonitor).sweep();

    expect(swept.map((session) => session.instanceUid)).toEqual([beatingUid]);
    await beating.waitClosed();
    expect(beating.closeCode).toBe(1008); // policy violation: no message within the stale limit
    expect(app!.get(AgentRegistry).get(quietUid)).toBeDefined();
    expect(quiet.closeCode).toBeUndefined();
    expect(quiet.socket.readyState).toBe(quiet.socket.OPEN);
  });

  it('registers its sweep under its name in the SchedulerRegistry, which drops it on shutdown', async () => {
    const moduleRef = await start();
    const scheduler = moduleRef.get(SchedulerRegistry);
    expect(scheduler.getIntervals()).toEqual([STALE_AGENT_SWEEP_JOB]);

    await moduleRef.close();
    app = undefined;

    expect(scheduler.doesExist('interval', STALE_AGENT_SWEEP_JOB)).toBe(false);
  });
});
