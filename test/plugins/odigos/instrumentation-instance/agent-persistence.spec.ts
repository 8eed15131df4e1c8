import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type AgentSession } from '../../../../src/modules/session/index.js';
import { instanceName } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.mapping.js';
import { FakeKubeApiServer, type StoredObject } from '../../../support/fake-kube-apiserver/index.js';
import { eventually } from '../../../support/eventually.js';
import { captureLogs, type LogLine } from '../../../support/logs.js';
import { type PersistenceApp } from '../../../modules/persistence/support/persistence-app.js';
import {
  connectNodeAgent,
  deliver,
  endSession,
  health,
  heartbeat,
  locationOf,
  makeSession,
  nodeAgentAttributes,
  place,
  type TestLocation,
} from './support/agents.js';
import { instance, instances, instanceWrites, seedOdigletInstance, seedPod } from './support/kube.js';
import { startOdigosPersistence as startPersistence } from './support/odigos-persistence.js';

const NS = 'shop';
const POD = 'frontend-7d4b9c-x2x9z';
const STALE_AFTER_MS = 75_000;

describe('AgentPersistence with InstrumentationInstances', () => {
  let server: FakeKubeApiServer;
  let app: PersistenceApp;
  let logs: LogLine[];

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    seedPod(server, NS, POD);
    app = await startPersistence(server);
    logs = captureLogs();
  });

  afterEach(async () => {
    await app.close();
    await server.close();
  });

  const agent = (location: TestLocation = {}): AgentSession =>
    makeSession({ namespace: NS, podName: POD, ...location });
  const nameOf = (session: AgentSession): string => {
    const location = locationOf(session);
    if (!location) throw new Error(`${session.displayId} was never placed`);
    return instanceName(location);
  };
  const objectOf = (session: AgentSession): StoredObject | undefined => instance(server, NS, nameOf(session));

  describe('when to write', () => {
    it('writes the record when an agent reports its description and health', async () => {
      const session = agent();
      connectNodeAgent(app.events, session);
      await app.idle();
      expect(objectOf(session)?.status).toMatchObject({
        healthy: false,
        reason: 'Starting',
        message: 'Node.js OpenTelemetry agent is starting',
      });
    });

    it('writes nothing for a plain heartbeat, nor for a health report that did not change', async () => {
      const session = agent();
      connectNodeAgent(app.events, session);
      await app.idle();
      server.requests.clear();
      for (let i = 0; i < 10; i++) heartbeat(app.events, session);
      deliver(app.events, session, { health: session.status.health });
      await app.idle();
      expect(server.requests).toEqual([]);
    });

    it('answers events at once even when the API server is slow (the reply never waits on writes)', async () => {
      server.faults.setLatency(200);
      const started = performance.now();
      for (let pid = 1; pid <= 12; pid++) connectNodeAgent(app.events, agent({ processId: pid }));
      expect(performance.now() - started).toBeLessThan(100);
      expect(app.persistence.stats().depth).toBe(12);
      server.faults.setLatency(0);
      await app.idle();
      expect(instances(server, NS)).toHaveLength(12);
    });

    it('writes a record once an identity is resolved after the description', async () => {
      const session = agent();
      const identity = session.identity;
      session.identity = undefined;
      connectNodeAgent(app.events, session);
      heartbeat(app.events, session);
      await app.idle();
      expect(instances(server, NS)).toEqual([]);
      session.identity = identity;
      heartbeat(app.events, session);
      await app.idle();
      expect(objectOf(session)?.status).toMatchObject({ reason: 'Starting' });
      heartbeat(app.events, session);
      server.requests.clear();
      await app.idle();
      expect(instanceWrites(server)).toEqual([]);
    });

    it('names the record of an agent without a process id after its container, and moves it once the pid is known', async () => {
      const session = agent({ processId: undefined });
      deliver(app.events, session, { health: health({ healthy: false, status: 'Starting' }) });
      await app.idle();
      expect(instances(server, NS).map((object) => object.metadata.name)).toEqual([`${POD}-app`]);
      expect(instance(server, NS, `${POD}-app`)).toMatchObject({
        spec: { containerName: 'app' },
        status: { healthy: false, reason: 'Starting' },
      });

      const location = locationOf(session);
      if (!location) throw new Error('the session was never placed');
      place(session, { ...location, processId: 42 });
      deliver(app.events, session, {
        agentDescription: {
          identifyingAttributes: nodeAgentAttributes(session),
          nonIdentifyingAttributes: [],
        },
      });
      await app.idle();
      expect(instances(server, NS).map((object) => object.metadata.name)).toEqual([`${POD}-42`]);
      expect(instance(server, NS, `${POD}-42`)?.status).toMatchObject({ healthy: false, reason: 'Starting' });
    });

    it('counts the API writes of one agent life cycle', async () => {
      const lifeCycle = async (title: string, session: AgentSession, exit: () => void): Promise<number> => {
        const steps: [string, () => void][] = [
          ['connect (description + Starting health)', () => connectNodeAgent(app.events, session)],
          ['10 heartbeats', () => Array.from({ length: 10 }, () => heartbeat(app.events, session))],
          [
            'health -> Healthy',
            () => deliver(app.events, session, { health: health({ healthy: true, status: 'Healthy' }) }),
          ],
          ['10 heartbeats', () => Array.from({ length: 10 }, () => heartbeat(app.events, session))],
          ['disconnect', exit],
        ];
        const lines: string[] = [];
        let total = 0;
        for (const [step, run] of steps) {
          server.requests.clear();
          run();
          await app.idle();
          const writes = instanceWrites(server).map(
            (r) => `${r.verb}${r.subresource ? `/${r.subresource}` : ''}`,
          );
          // Requests of this agent only (the start-up listing of leftovers is cluster-wide).
          const reads = server.requests.filter((r) => r.namespace === NS).length - writes.length;
          total += writes.length;
          lines.push(`${step}: ${writes.length} writes [${writes.join(', ')}], ${reads} reads`);
        }
        process.stdout.write(
          `\nAPI writes per agent life cycle, ${title}: ${total}\n  ${lines.join('\n  ')}\n`,
        );
        return total;
      };

      const python = agent({ processId: 1 });
      const cleanExit = await lifeCycle('healthy agent_disconnect (record deleted)', python, () =>
        deliver(app.events, python, {
          agentDisconnect: {},
          health: health({ healthy: true, status: 'Healthy' }),
        }),
      );
      expect(cleanExit).toBe(4);
      expect(objectOf(python)).toBeUndefined();

      const node = agent({ processId: 2 });
      const nodeExit = await lifeCycle('Node.js exit, unhealthy ProcessTerminated (record kept)', node, () =>
        deliver(app.events, node, {
          agentDisconnect: {},
          health: health({ healthy: false, status: 'ProcessTerminated', lastError: 'SIGTERM' }),
        }),
      );
      expect(nodeExit).toBe(4);
      expect(objectOf(node)?.status).toMatchObject({ healthy: false, reason: 'ProcessTerminated' });
    });
  });

  describe('disconnect rules (docs/odigos.md, point 16)', () => {
    const connected = async (location: TestLocation = {}): Promise<AgentSession> => {
      const session = agent(location);
      connectNodeAgent(app.events, session);
      await app.idle();
      return session;
    };

    it('deletes the record on a healthy agent_disconnect', async () => {
      const session = await connected();
      deliver(app.events, session, {
        agentDisconnect: {},
        health: health({ healthy: true, status: 'AgentFailure', lastError: 'Program finished' }),
      });
      await app.idle();
      expect(objectOf(session)).toBeUndefined();
    });

    it('keeps the record, written unhealthy, on an unhealthy agent_disconnect with last_error', async () => {
      const session = await connected();
      deliver(app.events, session, { health: health({ healthy: true, status: 'Healthy' }) });
      deliver(app.events, session, {
        agentDisconnect: {},
        health: health({ healthy: false, status: 'ProcessTerminated', lastError: 'SIGTERM' }),
      });
      await app.idle();
      expect(objectOf(session)?.status).toMatchObject({
        healthy: false,
        reason: 'ProcessTerminated',
        message: 'SIGTERM',
      });
    });

    it('writes nothing on an unhealthy agent_disconnect without last_error, or without any health', async () => {
      const session = await connected();
      const before = objectOf(session);
      server.requests.clear();
      deliver(app.events, session, {
        agentDisconnect: {},
        health: health({ healthy: false, status: 'Unknown' }),
      });
      await app.idle();
      expect(instanceWrites(server)).toEqual([]);
      expect(objectOf(session)).toEqual(before);

      const silent = agent({ processId: 99 });
      deliver(app.events, silent, {
        agentDescription: { identifyingAttributes: [], nonIdentifyingAttributes: [] },
      });
      await app.idle();
      server.requests.clear();
      deliver(app.events, silent, { agentDisconnect: {} });
      await app.idle();
      expect(instanceWrites(server)).toEqual([]);
    });

    it('deletes the record of a stale agent', async () => {
      const session = await connected();
      endSession(app.events, session, 'stale');
      await app.idle();
      expect(objectOf(session)).toBeUndefined();
    });

    it('keeps the record of a stale agent that reported NoConnectionToOpAMPServer, even after a later status', async () => {
      const session = await connected();
      deliver(app.events, session, {
        health: health({ healthy: false, status: 'NoConnectionToOpAMPServer', lastError: 'timeout' }),
      });
      deliver(app.events, session, { health: health({ healthy: true, status: 'Healthy' }) });
      endSession(app.events, session, 'stale');
      await app.idle();
      expect(objectOf(session)?.status).toMatchObject({ healthy: true, reason: 'Healthy' });
    });

    it('keeps the record when the server shuts down (the agent reconnects to the next one)', async () => {
      const shutdown = await connected({ processId: 2 });
      server.requests.clear();
      endSession(app.events, shutdown, 'server-shutdown');
      app.timers.advance(STALE_AFTER_MS * 2);
      await app.idle();
      expect(instanceWrites(server)).toEqual([]);
      expect(objectOf(shutdown)).toBeDefined();
    });

    it('keeps the record of a closed WebSocket for the stale limit, then deletes it as stale', async () => {
      const closed = await connected({ processId: 1 });
      server.requests.clear();
      endSession(app.events, closed, 'connection-closed');
      app.timers.advance(STALE_AFTER_MS - 1);
      await app.idle();
      expect(instanceWrites(server)).toEqual([]);
      app.timers.advance(1);
      await app.idle();
      expect(objectOf(closed)).toBeUndefined();
    });

    it('keeps the record of a closed WebSocket whose agent comes back within the stale limit', async () => {
      const closed = await connected({ processId: 1 });
      endSession(app.events, closed, 'connection-closed');
      const back = agent({ processId: 1 });
      connectNodeAgent(app.events, back);
      app.timers.advance(STALE_AFTER_MS * 2);
      await app.idle();
      expect(objectOf(back)).toBeDefined();
    });

    it('keeps the record of a closed WebSocket whose agent reported NoConnectionToOpAMPServer', async () => {
      const closed = await connected({ processId: 1 });
      deliver(app.events, closed, {
        health: health({ healthy: false, status: 'NoConnectionToOpAMPServer', lastError: 'timeout' }),
      });
      endSession(app.events, closed, 'connection-closed');
      app.timers.advance(STALE_AFTER_MS * 2);
      await app.idle();
      expect(objectOf(closed)).toBeDefined();
    });

    it('ignores the end of a session whose pod process was taken over by a newer session', async () => {
      const old = await connected({ processId: 5 });
      const reused = await connected({ processId: 5 });
      deliver(app.events, reused, { health: health({ healthy: true, status: 'Healthy' }) });
      endSession(app.events, old, 'stale');
      await app.idle();
      expect(objectOf(reused)?.status).toMatchObject({ reason: 'Healthy' });
    });
  });

  it('loses no final state across an API outage of any length', async () => {
    const [a, b, c] = [agent({ processId: 1 }), agent({ processId: 2 }), agent({ processId: 3 })];
    for (const session of [a, b, c]) connectNodeAgent(app.events, session);
    await app.idle();

    server.faults.outage(true);
    const d = agent({ processId: 4 });
    connectNodeAgent(app.events, d);
    for (let i = 1; i <= 5; i++) {
      deliver(app.events, a, {
        health: health({ healthy: i % 2 === 0, status: `Step${i}`, lastError: `error ${i}` }),
      });
      deliver(app.events, b, { health: health({ healthy: true, status: `Step${i}` }) });
    }
    deliver(app.events, c, { agentDisconnect: {}, health: health({ healthy: true, status: 'Healthy' }) });
    await eventually(() => app.persistence.stats().retries >= 20, 5000, 'retries during the outage');
    expect(app.persistence.stats().depth).toBe(4);
    expect(app.persistence.stats().writes.upsert.failed).toBeGreaterThan(0);

    server.faults.outage(false);
    await app.idle();
    expect(objectOf(a)?.status).toMatchObject({ healthy: false, reason: 'Step5', message: 'error 5' });
    expect(objectOf(b)?.status).toMatchObject({ healthy: true, reason: 'Step5' });
    expect(objectOf(c)).toBeUndefined();
    expect(objectOf(d)?.status).toMatchObject({ reason: 'Starting' });
    expect(app.persistence.stats().depth).toBe(0);
  });

  it('loses no final state when the API answers 503 for a while', async () => {
    const session = agent();
    server.faults.outage(true, { mode: 'unavailable' });
    connectNodeAgent(app.events, session);
    deliver(app.events, session, { health: health({ healthy: true, status: 'Healthy' }) });
    await eventually(() => app.persistence.stats().retries >= 5, 5000, 'retries');
    server.faults.outage(false);
    await app.idle();
    expect(objectOf(session)?.status).toMatchObject({ healthy: true, reason: 'Healthy' });
  });

  it('converges through a conflict storm', async () => {
    const sessions = [1, 2, 3].map((pid) => agent({ processId: pid }));
    for (const session of sessions) connectNodeAgent(app.events, session);
    await app.idle();

    // Another writer keeps bumping the objects' resourceVersion, and the server refuses many status writes.
    server.faults.failNext(40, { status: 409, match: (r) => r.subresource === 'status' });
    let bumping = true;
    const bump = async (): Promise<void> => {
      while (bumping) {
        for (const object of instances(server, NS)) {
          server.seed({
            ...object,
            metadata: { ...object.metadata, annotations: { other: String(Math.random()) } },
          } as Parameters<typeof server.seed>[0]);
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    const writer = bump();
    for (let i = 1; i <= 10; i++) {
      for (const session of sessions)
        deliver(app.events, session, { health: health({ healthy: true, status: `Round${i}` }) });
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await eventually(
      () => server.requests.filter((r) => r.subresource === 'status').length > 40,
      5000,
      'conflicts',
    );
    bumping = false;
    await writer;
    await app.idle();
    for (const session of sessions)
      expect(objectOf(session)?.status).toMatchObject({ healthy: true, reason: 'Round10' });
  });

  it('writes pending state at SIGTERM, including state waiting for a retry', async () => {
    await app.close();
    app = await startPersistence(server, { queue: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const sessions = [1, 2, 3].map((pid) => agent({ processId: pid }));
    server.faults.outage(true);
    for (const session of sessions) connectNodeAgent(app.events, session);
    deliver(app.events, sessions[0] as AgentSession, {
      health: health({ healthy: true, status: 'Healthy' }),
    });
    await eventually(() => app.persistence.stats().retries >= 3, 5000, 'first failures');
    server.faults.outage(false);
    expect(instances(server, NS)).toEqual([]);

    await app.close();
    expect(instances(server, NS)).toHaveLength(3);
    expect(objectOf(sessions[0] as AgentSession)?.status).toMatchObject({ reason: 'Healthy' });
  });

  it('never modifies or deletes a record odiglet wrote', async () => {
    const odiglet = seedOdigletInstance(server, NS, POD, 7);
    const session = agent({ processId: 7 });
    connectNodeAgent(app.events, session);
    deliver(app.events, session, { health: health({ healthy: true, status: 'Healthy' }) });
    deliver(app.events, session, {
      agentDisconnect: {},
      health: health({ healthy: true, status: 'Healthy' }),
    });
    await app.idle();
    const stale = agent({ processId: 7 });
    connectNodeAgent(app.events, stale);
    endSession(app.events, stale, 'stale');
    await app.idle();

    expect(objectOf(session)).toEqual(odiglet);
    expect(instanceWrites(server)).toEqual([]);
    expect(app.persistence.stats().outcomes['skipped-foreign']).toBeGreaterThanOrEqual(2);
    expect(logs.filter((l) => l.level === 'warn' && /did not create/.test(l.message))).not.toHaveLength(0);
  });

  it('records at most 16 agents per pod; the 17th is counted and logged, not an error', async () => {
    const sessions = Array.from({ length: 17 }, (_, i) => agent({ processId: 100 + i }));
    for (const session of sessions) connectNodeAgent(app.events, session);
    await app.idle();
    expect(instances(server, NS, `ownerPodName=${POD}`)).toHaveLength(16);
    const stats = app.persistence.stats();
    expect(stats.outcomes['over-cap']).toBe(1);
    expect(stats.writes.upsert.failed).toBe(0);
    expect(
      logs.filter((l) => l.level === 'warn' && /maximum number of records/.test(l.message)),
    ).toHaveLength(1);
  });
});
