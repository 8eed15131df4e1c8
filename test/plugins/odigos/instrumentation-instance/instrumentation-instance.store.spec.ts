import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type KubeConfig } from '@kubernetes/client-node';
import {
  AgentStoreError,
  CustomResourceStore,
  type CustomResourceStoreOptions,
} from '../../../../src/modules/persistence/index.js';
import { instrumentationInstanceResource } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.mapping.js';
import { InstrumentationInstanceMapping } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record-mapping.js';
import { type InstrumentationInstanceRecord as AgentRecord } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record.js';
import { FakeKubeApiServer } from '../../../support/fake-kube-apiserver/index.js';
import { loadCrd, validateAgainst } from './support/crd-schema.js';
import {
  apiCalls,
  instance,
  instances,
  removeInstances,
  instanceWrites,
  seedOdigletInstance,
  seedPod,
} from './support/kube.js';

const NS = 'shop';
const POD = 'frontend-7d4b9c-x2x9z';
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const schema = loadCrd().spec.versions[0]?.schema.openAPIV3Schema ?? {};

/** The server's Kubernetes writer with Odigos's mapping: what `PERSISTENCE=kubernetes` runs for Odigos agents. */
function instanceStore(
  kubeConfig: KubeConfig,
  options: CustomResourceStoreOptions,
): CustomResourceStore<AgentRecord> {
  return new CustomResourceStore(
    kubeConfig,
    new InstrumentationInstanceMapping(() => undefined),
    instrumentationInstanceResource,
    options,
  );
}

function record(
  overrides: Partial<AgentRecord> = {},
  location: Partial<AgentRecord['location']> = {},
): AgentRecord {
  return {
    agentId: 'agent-1',
    location: {
      namespace: NS,
      podName: POD,
      containerName: 'app',
      processId: 7,
      workload: { kind: 'Deployment', name: 'Frontend' },
      ...location,
    },
    identifyingAttributes: [
      { key: 'service.name', value: 'frontend' },
      { key: 'process.vpid', value: '7' },
    ],
    health: { healthy: false, reason: 'Starting', message: 'Node.js OpenTelemetry agent is starting' },
    observedAt: T0,
    ...overrides,
  };
}

describe('CustomResourceStore with the InstrumentationInstance mapping', () => {
  let server: FakeKubeApiServer;
  let store: CustomResourceStore<AgentRecord>;

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.faults.reset();
    removeInstances(server);
    seedPod(server, NS, POD);
    server.requests.clear();
    store = instanceStore(server.kubeConfig(), {
      nodeName: 'node-a',
      requestTimeoutMs: 2000,
    });
  });

  it("creates the object exactly as Odigos does, plus this server's labels", async () => {
    const components = [
      {
        name: 'flask',
        type: 'instrumentation' as const,
        healthy: true,
        nonIdentifyingAttributes: [{ key: 'is_standard_lib', value: 'false' }],
      },
      {
        name: 'redis',
        type: 'instrumentation' as const,
        healthy: false,
        reason: 'instrumentation.details',
        message: 'plain',
      },
    ];
    await expect(store.upsert(record({ components }))).resolves.toBe('created');

    const created = instance(server, NS, `${POD}-7`);
    expect(created?.metadata).toMatchObject({
      name: `${POD}-7`,
      namespace: NS,
      labels: {
        'instrumented-app': 'deployment-frontend',
        ownerPodName: POD,
        'opamp-nest.io/managed-by': 'opamp-nest',
        'opamp-nest.io/node': 'node-a',
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          name: POD,
          uid: `uid-${POD}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(Object.keys(created?.metadata.labels ?? {})).toHaveLength(4);
    expect(created?.spec).toEqual({ containerName: 'app' });
    expect(created?.status).toEqual({
      identifyingAttributes: [
        { key: 'service.name', value: 'frontend' },
        { key: 'process.vpid', value: '7' },
      ],
      healthy: false,
      reason: 'Starting',
      message: 'Node.js OpenTelemetry agent is starting',
      lastStatusTime: '2026-03-01T12:00:00Z',
      components: [
        {
          name: 'flask',
          type: 'instrumentation',
          healthy: true,
          nonIdentifyingAttributes: [{ key: 'is_standard_lib', value: 'false' }],
          lastStatusTime: '2026-03-01T12:00:00Z',
        },
        {
          name: 'redis',
          type: 'instrumentation',
          healthy: false,
          reason: 'instrumentation.details',
          message: 'plain',
          lastStatusTime: '2026-03-01T12:00:00Z',
        },
      ],
    });
    expect(validateAgainst(created, schema)).toEqual([]);
  });

  it('lists the pod (the cap), reads the pod uid, creates, then writes status through /status', async () => {
    await store.upsert(record());
    expect(apiCalls(server).map((r) => [r.verb, r.resource, r.subresource ?? ''])).toEqual([
      ['list', 'instrumentationinstances', ''],
      ['get', 'pods', ''],
      ['create', 'instrumentationinstances', ''],
      ['update', 'instrumentationinstances', 'status'],
    ]);
    expect(server.requests.find((r) => r.verb === 'list')?.query.labelSelector).toBe(`ownerPodName=${POD}`);
    expect(server.requests.find((r) => r.verb === 'create')?.body).not.toHaveProperty('status');
  });

  it('uses the pod uid of the record without reading the pod', async () => {
    await store.upsert(record({}, { podUid: 'given-uid' }));
    expect(apiCalls(server).some((r) => r.resource === 'pods')).toBe(false);
    expect(instance(server, NS, `${POD}-7`)?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ uid: 'given-uid' }),
    ]);
  });

  it('writes nothing for a pod that no longer exists', async () => {
    await expect(store.upsert(record({}, { podName: 'gone-pod' }))).resolves.toBe('pod-not-found');
    expect(instanceWrites(server)).toEqual([]);
  });

  it('updates with one status PUT, keeping what the record does not report', async () => {
    await store.upsert(record({ components: [{ name: 'http', type: 'instrumentation', healthy: true }] }));
    server.requests.clear();
    const healthy = record({
      health: { healthy: true, reason: 'Healthy', message: '' },
      observedAt: T0 + 5000,
    });
    delete (healthy as { identifyingAttributes?: unknown }).identifyingAttributes;
    await expect(store.upsert(healthy)).resolves.toBe('updated');
    expect(apiCalls(server).map((r) => [r.verb, r.subresource])).toEqual([['update', 'status']]);
    expect(instance(server, NS, `${POD}-7`)?.status).toEqual({
      identifyingAttributes: [
        { key: 'service.name', value: 'frontend' },
        { key: 'process.vpid', value: '7' },
      ],
      healthy: true,
      reason: 'Healthy',
      lastStatusTime: '2026-03-01T12:00:05Z',
      components: [
        { name: 'http', type: 'instrumentation', healthy: true, lastStatusTime: '2026-03-01T12:00:00Z' },
      ],
    });
  });

  it('sends nothing when the stored status already says the same', async () => {
    await store.upsert(record());
    server.requests.clear();
    await expect(store.upsert(record({ observedAt: T0 + 60_000 }))).resolves.toBe('unchanged');
    expect(apiCalls(server)).toEqual([]);
  });

  it('re-reads and re-applies after a conflict with another writer', async () => {
    await store.upsert(record());
    const current = instance(server, NS, `${POD}-7`);
    server.seed({
      ...current,
      status: { ...(current?.status as object), reason: 'OtherWriter' },
    } as Parameters<typeof server.seed>[0]);
    server.requests.clear();
    await expect(
      store.upsert(record({ health: { healthy: true, reason: 'Healthy', message: '' } })),
    ).resolves.toBe('updated');
    expect(apiCalls(server).map((r) => r.verb)).toEqual(['update', 'list', 'update']);
    expect(instance(server, NS, `${POD}-7`)?.status).toMatchObject({ healthy: true, reason: 'Healthy' });
  });

  it('re-creates an object deleted behind its back', async () => {
    await store.upsert(record());
    server.remove('odigos.io', 'v1alpha1', 'instrumentationinstances', NS, `${POD}-7`);
    await expect(
      store.upsert(record({ health: { healthy: true, reason: 'Healthy', message: '' } })),
    ).resolves.toBe('created');
    expect(instance(server, NS, `${POD}-7`)?.status).toMatchObject({ healthy: true, reason: 'Healthy' });
  });

  it('never modifies or deletes an object it did not create', async () => {
    const odiglet = seedOdigletInstance(server, NS, POD, 7);
    server.requests.clear();
    await expect(store.upsert(record())).resolves.toBe('skipped-foreign');
    await expect(store.remove(record(), 'stale')).resolves.toBe('skipped-foreign');
    expect(instanceWrites(server)).toEqual([]);
    expect(instance(server, NS, `${POD}-7`)).toEqual(odiglet);
  });

  it('finds a foreign object without the ownerPodName label through the create conflict', async () => {
    server.seed({
      apiVersion: 'odigos.io/v1alpha1',
      kind: 'InstrumentationInstance',
      metadata: { name: `${POD}-7`, namespace: NS },
      spec: { containerName: 'x' },
    } as Parameters<typeof server.seed>[0]);
    await expect(store.upsert(record())).resolves.toBe('skipped-foreign');
    expect(instance(server, NS, `${POD}-7`)?.spec).toEqual({ containerName: 'x' });
  });

  it('creates at most 16 records per pod, counting odiglet records too', async () => {
    for (let pid = 100; pid < 108; pid++) seedOdigletInstance(server, NS, POD, pid);
    for (let pid = 200; pid < 207; pid++) await store.upsert(record({}, { processId: pid }));
    expect(instances(server, NS, `ownerPodName=${POD}`)).toHaveLength(15);
    await expect(store.upsert(record({}, { processId: 300 }))).resolves.toBe('created');
    await expect(store.upsert(record({}, { processId: 301 }))).resolves.toBe('over-cap');
    expect(instance(server, NS, `${POD}-301`)).toBeUndefined();
    expect(instances(server, NS, `ownerPodName=${POD}`)).toHaveLength(16);
    await expect(store.upsert(record({ observedAt: T0 + 1 }, { processId: 300 }))).resolves.toBe('unchanged');
  });

  it('names the object of an agent without a process id after its container, and lists it back so', async () => {
    const { processId: _processId, ...location } = record().location;
    const withoutPid: AgentRecord = { ...record(), location };
    await expect(store.upsert(withoutPid)).resolves.toBe('created');
    const created = instance(server, NS, `${POD}-app`);
    expect(created?.spec).toEqual({ containerName: 'app' });
    expect(created?.metadata.labels).toMatchObject({ ownerPodName: POD, 'opamp-nest.io/node': 'node-a' });
    expect(validateAgainst(created, schema)).toEqual([]);
    await expect(store.list()).resolves.toEqual([
      expect.objectContaining({
        location: { namespace: NS, podName: POD, podUid: `uid-${POD}`, containerName: 'app' },
      }),
    ]);
    await expect(store.remove(withoutPid, 'superseded')).resolves.toBe('deleted');
    expect(instance(server, NS, `${POD}-app`)).toBeUndefined();
  });

  it('deletes with a uid precondition, and reports absent records', async () => {
    await store.upsert(record());
    server.requests.clear();
    await expect(store.remove(record(), 'agent-disconnect')).resolves.toBe('deleted');
    const del = apiCalls(server);
    expect(del.map((r) => r.verb)).toEqual(['delete']);
    expect(del[0]?.body).toMatchObject({ preconditions: { uid: expect.any(String) } });
    expect(instance(server, NS, `${POD}-7`)).toBeUndefined();
    await expect(store.remove(record(), 'stale')).resolves.toBe('absent');
  });

  it('does not delete an object replaced by someone else after its own write', async () => {
    await store.upsert(record());
    server.remove('odigos.io', 'v1alpha1', 'instrumentationinstances', NS, `${POD}-7`);
    seedOdigletInstance(server, NS, POD, 7);
    await expect(store.remove(record(), 'stale')).resolves.toBe('skipped-foreign');
    expect(instance(server, NS, `${POD}-7`)?.spec).toEqual({ containerName: 'go-app' });
  });

  it("lists only this node's own records", async () => {
    await store.upsert(record());
    seedOdigletInstance(server, NS, POD, 9);
    const other = instanceStore(server.kubeConfig(), { nodeName: 'node-b' });
    await other.upsert(record({}, { processId: 8 }));
    const listed = await store.list();
    expect(listed).toEqual([
      {
        agentId: '',
        location: { namespace: NS, podName: POD, podUid: `uid-${POD}`, containerName: 'app', processId: 7 },
        identifyingAttributes: record().identifyingAttributes,
        health: { healthy: false, reason: 'Starting', message: 'Node.js OpenTelemetry agent is starting' },
        observedAt: T0,
      },
    ]);
    expect(
      server.requests.find((r) => r.verb === 'list' && r.namespace === undefined)?.query.labelSelector,
    ).toBe('opamp-nest.io/managed-by=opamp-nest,opamp-nest.io/node=node-a');
  });

  it('reports failures as AgentStoreError: retryable for 5xx, network errors and timeouts, not for 422', async () => {
    const failure = async (): Promise<AgentStoreError> => {
      const error = await store.upsert(record()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AgentStoreError);
      return error as AgentStoreError;
    };
    server.faults.failNext(1, { status: 500 });
    expect((await failure()).context).toMatchObject({ operation: 'upsert', retryable: true, status: 500 });
    server.faults.failNext(1, { status: 403 });
    expect((await failure()).message).toMatch(/grant the service account instrumentationinstances/);
    server.faults.failNext(1, { status: 404, match: (r) => r.verb === 'list' });
    expect((await failure()).message).toMatch(
      /is the InstrumentationInstance CRD \(instrumentationinstances\.odigos\.io\) installed\?/,
    );
    server.faults.failNext(1, { status: 422 });
    expect((await failure()).context).toMatchObject({ retryable: false, status: 422 });
    server.faults.outage(true);
    expect((await failure()).retryable).toBe(true);
    server.faults.outage(false);
    const slow = instanceStore(server.kubeConfig(), {
      nodeName: 'node-a',
      requestTimeoutMs: 30,
    });
    server.faults.setLatency(300);
    const timedOut = await slow.upsert(record()).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(AgentStoreError);
    expect((timedOut as AgentStoreError).retryable).toBe(true);
    expect((timedOut as AgentStoreError).message).toMatch(/abort/i);
  });

  it('times each request on its own: calls made after the timeout has elapsed once still go through', async () => {
    const quick = instanceStore(server.kubeConfig(), {
      nodeName: 'node-a',
      requestTimeoutMs: 100,
    });
    await expect(quick.upsert(record())).resolves.toBe('created');
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(
      quick.upsert(record({ health: { healthy: true, reason: 'Healthy', message: '' } })),
    ).resolves.toBe('updated');
    await expect(quick.remove(record(), 'agent-disconnect')).resolves.toBe('deleted');
  });
});
