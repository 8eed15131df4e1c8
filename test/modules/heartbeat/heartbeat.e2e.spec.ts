import { afterEach, describe, expect, it } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AgentCapabilities } from '../../../src/generated/opamp/v1/opamp.js';
import { CLOCK } from '../../../src/common/clock.js';
import { HeartbeatMonitor } from '../../../src/modules/heartbeat/index.js';
import { bitmask } from '../../../src/modules/protocol/index.js';
import { FakeClock } from '../../support/fake-connection.js';
import { postMessage } from '../../support/http-agent.js';
import { description, randomUid } from '../../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { WsAgentPool } from '../../support/ws-agent.js';

const HEARTBEATS = bitmask(AgentCapabilities.AgentCapabilities_ReportsHeartbeat);

describe('heartbeats and stale agents', () => {
  let server: TestServer;
  let clock: FakeClock;
  const pool = new WsAgentPool(() => server.wsUrl);

  const start = async (env: Record<string, string> = {}): Promise<void> => {
    clock = new FakeClock();
    server = await startTestServer({
      env: { STALE_AFTER_S: '75', HEARTBEAT_INTERVAL_S: '10', ...env },
      customize: (builder) => builder.overrideProvider(CLOCK).useValue(clock),
    });
  };
  afterEach(async () => {
    pool.closeAll();
    await server.close();
  });

  it('forgets an HTTP agent silent for longer than STALE_AFTER_S, and no sooner', async () => {
    await start();
    const uid = randomUid();
    await postMessage(server.opampUrl, { instanceUid: uid, agentDescription: description('poller') });
    const monitor = server.app.get(HeartbeatMonitor);
    clock.advance(75_000);
    expect(monitor.sweep()).toHaveLength(0);
    clock.advance(1);
    expect(monitor.sweep().map((s) => s.displayId)).toEqual([
      server.registry.get(uid)?.displayId ?? expect.any(String),
    ]);
    expect(server.registry.get(uid)).toBeUndefined();
  });

  it('keeps an agent that keeps polling', async () => {
    await start();
    const uid = randomUid();
    await postMessage(server.opampUrl, { instanceUid: uid, agentDescription: description('poller') });
    for (let i = 1; i <= 5; i++) {
      clock.advance(30_000);
      await postMessage(server.opampUrl, { instanceUid: uid, sequenceNum: BigInt(i) });
      server.app.get(HeartbeatMonitor).sweep();
    }
    expect(server.registry.get(uid)).toBeDefined();
  });

  it('closes the socket of a silent WebSocket agent that promised heartbeats', async () => {
    await start();
    const agent = await pool.connect();
    const uid = randomUid();
    await agent.request({ instanceUid: uid, capabilities: HEARTBEATS, agentDescription: description('ws') });
    const reasons: string[] = [];
    server.events.subscribe((event) => event.type === 'disconnected' && reasons.push(event.reason));
    clock.advance(76_000);
    server.app.get(HeartbeatMonitor).sweep();
    await agent.waitClosed();
    expect(agent.closeCode).toBe(1008);
    expect(reasons).toEqual(['stale']);
  });

  it('keeps a quiet WebSocket agent that never promised heartbeats', async () => {
    await start();
    const agent = await pool.connect();
    const uid = randomUid();
    await agent.request({ instanceUid: uid, agentDescription: description('quiet') });
    clock.advance(10 * 60_000);
    expect(server.app.get(HeartbeatMonitor).sweep()).toHaveLength(0);
    expect(server.registry.get(uid)).toBeDefined();
  });

  it('runs the sweep on a schedule of SWEEP_INTERVAL_S', async () => {
    await start({ SWEEP_INTERVAL_S: '30' });
    expect(server.app.get(SchedulerRegistry).getIntervals()).toContain('opamp:stale-agent-sweep');
  });

  it('offers HEARTBEAT_INTERVAL_S once to an agent that reports heartbeats, naming the endpoint it uses', async () => {
    await start();
    const uid = randomUid();
    const first = await postMessage(server.opampUrl, {
      instanceUid: uid,
      capabilities: HEARTBEATS,
      agentDescription: description('beating'),
    });
    const offer = first.message!.connectionSettings!;
    expect(offer.opamp?.heartbeatIntervalSeconds).toBe(10n);
    expect(offer.opamp?.destinationEndpoint).toBe(server.opampUrl);
    expect(offer.hash).toHaveLength(32);
    const second = await postMessage(server.opampUrl, {
      instanceUid: uid,
      sequenceNum: 1n,
      capabilities: HEARTBEATS,
    });
    expect(second.message!.connectionSettings).toBeUndefined();
    const rejected = await postMessage(server.opampUrl, {
      instanceUid: uid,
      sequenceNum: 2n,
      capabilities: HEARTBEATS,
      connectionSettingsStatus: { lastConnectionSettingsHash: Buffer.from('other'), status: 1 },
    });
    expect(rejected.message!.connectionSettings?.hash).toEqual(offer.hash);
  });

  it('offers no heartbeat settings to an agent that does not report heartbeats', async () => {
    await start();
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      agentDescription: description('x'),
    });
    expect(exchange.message!.connectionSettings).toBeUndefined();
  });
});
