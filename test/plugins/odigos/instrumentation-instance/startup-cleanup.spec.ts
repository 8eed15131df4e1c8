import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CustomResourceStore } from '../../../../src/modules/persistence/index.js';
import { instrumentationInstanceResource } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.mapping.js';
import { InstrumentationInstanceMapping } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record-mapping.js';
import { type InstrumentationInstanceRecord } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record.js';
import { FakeKubeApiServer } from '../../../support/fake-kube-apiserver/index.js';
import { eventually } from '../../../support/eventually.js';
import { captureLogs } from '../../../support/logs.js';
import { type PersistenceApp } from '../../../modules/persistence/support/persistence-app.js';
import { connectNodeAgent, makeSession } from './support/agents.js';
import { instance, seedOdigletInstance, seedPod } from './support/kube.js';
import { startOdigosPersistence as startPersistence } from './support/odigos-persistence.js';

const NS = 'shop';
const POD = 'checkout-5f6d7-abcde';
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

function left(
  processId: number,
  healthState?: InstrumentationInstanceRecord['health'],
): InstrumentationInstanceRecord {
  return {
    agentId: `before-restart-${processId}`,
    location: {
      namespace: NS,
      podName: POD,
      containerName: 'app',
      processId,
      workload: { kind: 'Deployment', name: 'checkout' },
    },
    identifyingAttributes: [{ key: 'process.vpid', value: String(processId) }],
    ...(healthState ? { health: healthState } : {}),
    observedAt: Date.parse('2026-03-01T11:00:00Z'),
  };
}

describe('start-up clean-up of records left from before a restart', () => {
  let server: FakeKubeApiServer;
  let app: PersistenceApp | undefined;
  const exists = (pid: number): boolean => instance(server, NS, `${POD}-${pid}`) !== undefined;
  /** The Kubernetes writer with Odigos's mapping, as a server on `nodeName` had it before the restart. */
  const storeOn = (nodeName: string): CustomResourceStore<InstrumentationInstanceRecord> =>
    new CustomResourceStore(
      server.kubeConfig(),
      new InstrumentationInstanceMapping(() => undefined),
      instrumentationInstanceResource,
      { nodeName },
    );

  beforeEach(async () => {
    captureLogs();
    server = await FakeKubeApiServer.start();
    seedPod(server, NS, POD);
    const before = storeOn('node-a');
    const healthy = { healthy: true, reason: 'Healthy', message: '' };
    await before.upsert(left(1, healthy)); // its agent comes back
    await before.upsert(left(2, healthy)); // its agent does not
    await before.upsert(left(3, { healthy: false, reason: 'ProcessTerminated', message: 'exit 1' })); // kept for troubleshooting
    await before.upsert(left(4, { healthy: false, reason: 'NoConnectionToOpAMPServer', message: '' })); // kept
    await before.upsert(left(7)); // never reported health
    await storeOn('node-b').upsert(left(5, healthy));
    seedOdigletInstance(server, NS, POD, 6);
  });

  afterEach(async () => {
    await app?.close();
    await server.close();
  });

  it("deletes this node's records whose agents did not come back within the grace period", async () => {
    app = await startPersistence(server, { startupGraceMs: 90_000 });
    captureLogs();
    connectNodeAgent(app.events, makeSession({ namespace: NS, podName: POD, processId: 1 }));
    await app.idle();

    app.timers.advance(89_999);
    await settle();
    expect([1, 2, 3, 4, 5, 6, 7].map(exists)).toEqual([true, true, true, true, true, true, true]);

    app.timers.advance(1);
    await eventually(() => !exists(2) && !exists(7), 2000, 'clean-up');
    await app.idle();
    expect([1, 2, 3, 4, 5, 6, 7].map(exists)).toEqual([true, false, true, true, true, true, false]);
    expect(app.persistence.stats().outcomes.deleted).toBe(2);
  });

  it('reads back records named after a container (agents that never reported a pid) and cleans them up alike', async () => {
    const healthy = { healthy: true, reason: 'Healthy', message: '' };
    const withoutPid = (containerName: string): InstrumentationInstanceRecord => {
      const { processId: _processId, ...location } = left(0, healthy).location;
      return { ...left(0, healthy), location: { ...location, containerName } };
    };
    const before = storeOn('node-a');
    await before.upsert(withoutPid('sidecar')); // its agent comes back
    await before.upsert(withoutPid('worker')); // its agent does not
    const named = (container: string): boolean => instance(server, NS, `${POD}-${container}`) !== undefined;
    expect([named('sidecar'), named('worker')]).toEqual([true, true]);

    app = await startPersistence(server, { startupGraceMs: 1000 });
    captureLogs();
    connectNodeAgent(
      app.events,
      makeSession({ namespace: NS, podName: POD, containerName: 'sidecar', processId: undefined }),
    );
    await app.idle();
    app.timers.advance(1000);
    await eventually(() => !named('worker'), 2000, 'clean-up');
    await app.idle();
    expect([named('sidecar'), named('worker')]).toEqual([true, false]);
    expect([1, 2, 3, 4, 5, 6, 7].map(exists)).toEqual([false, false, true, true, true, true, false]);
  });

  it('cleans up once the listing succeeds when the API was down at start-up', async () => {
    server.faults.outage(true);
    app = await startPersistence(server, { startupGraceMs: 1000 });
    captureLogs();
    app.timers.advance(1000);
    await settle();
    expect(exists(2)).toBe(true);
    server.faults.outage(false);
    app.timers.advance(5000);
    await eventually(() => !exists(2), 2000, 'clean-up after the outage');
    await app.idle();
    expect([1, 2, 3, 4, 5, 6, 7].map(exists)).toEqual([false, false, true, true, true, true, false]);
  });

  it('keeps a record whose agent came back before the listing, and remembers no other agent once it is in', async () => {
    server.faults.outage(true);
    app = await startPersistence(server, { startupGraceMs: 90_000 });
    captureLogs();
    connectNodeAgent(app.events, makeSession({ namespace: NS, podName: POD, processId: 1 }));
    for (let pid = 100; pid < 150; pid++) {
      connectNodeAgent(app.events, makeSession({ namespace: NS, podName: POD, processId: pid }));
    }
    expect(app.persistence.returnedBeforeCleanUp).toBe(51);
    server.faults.outage(false);
    app.timers.advance(5000);
    await eventually(() => app!.persistence.returnedBeforeCleanUp === 1, 2000, 'the listing');
    for (let pid = 150; pid < 200; pid++) {
      connectNodeAgent(app.events, makeSession({ namespace: NS, podName: POD, processId: pid }));
    }
    expect(app.persistence.returnedBeforeCleanUp).toBe(1);
    app.timers.advance(85_000);
    await eventually(() => !exists(2), 2000, 'clean-up');
    await app.idle();
    expect([1, 2, 3, 4, 5, 6, 7].map(exists)).toEqual([true, false, true, true, true, true, false]);
    expect(app.persistence.returnedBeforeCleanUp).toBe(0);
  });

  it('deletes nothing when the server stops before the grace period ends', async () => {
    app = await startPersistence(server, { startupGraceMs: 90_000 });
    await settle();
    await app.close();
    app.timers.advance(90_000);
    await settle();
    expect([1, 2, 3, 4, 5, 6, 7].map(exists)).toEqual([true, true, true, true, true, true, true]);
  });
});
