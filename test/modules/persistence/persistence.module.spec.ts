import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import { OpampPlugin } from '../../../src/modules/plugins/index.js';
import {
  AgentPersistence,
  type AgentSnapshot,
  agentSnapshotMapping,
  CustomResourceStore,
  KubernetesPersistenceUnavailableError,
  MemoryAgentStore,
  PersistenceModule,
} from '../../../src/modules/persistence/index.js';
import { AgentEvents, AgentSession, mergeAgentStatus } from '../../../src/modules/session/index.js';
import { AgentToServer } from '../../../src/generated/opamp/v1/opamp.js';
import {
  type AgentRecordMapping,
  type AgentStore,
  type AgentView,
  type CustomResourceMapping,
  type OpampPluginHooks,
  type RemoveReason,
} from '../../../src/plugin-api/index.js';
import { FakeConnection } from '../../support/fake-connection.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { captureLogs } from '../../support/logs.js';
import { startPersistence } from './support/persistence-app.js';

type AgentToServerInit = Parameters<typeof AgentToServer.fromPartial>[0];

let uidCounter = 0;

/** A session identified by the default convention (its uid), on a fake HTTP connection. */
function identifiedSession(key?: string): AgentSession {
  const uid = Buffer.from(`0190a0b0-0000-7000-9000-${String(++uidCounter).padStart(12, '0')}`);
  const session = new AgentSession(uid, new FakeConnection('http'), Date.now());
  session.identity = { provider: 'test', ...(key !== undefined ? { key } : {}), labels: { team: 'a' } };
  return session;
}

/** Drives `events` as the message pipeline does for one message of `session`. */
function deliver(
  events: AgentEvents,
  session: AgentSession,
  init: Omit<AgentToServerInit, 'instanceUid'>,
): void {
  const message = AgentToServer.fromPartial({ instanceUid: session.instanceUid, ...init });
  const changed = mergeAgentStatus(session.status, message);
  session.messageCount++;
  events.emit({ type: 'message', session, message, changed });
}

/** A description and a health report: what an agent sends first. */
function connect(events: AgentEvents, session: AgentSession): void {
  events.emit({ type: 'connected', session });
  deliver(events, session, {
    agentDescription: {
      identifyingAttributes: [
        { key: 'service.name', value: { value: { $case: 'stringValue', value: 'cart' } } },
      ],
      nonIdentifyingAttributes: [],
    },
    health: { healthy: true, status: 'Healthy', lastError: '' },
  });
}

class RecordingStore implements AgentStore {
  readonly upserts: object[] = [];
  readonly removals: { record: object; reason: RemoveReason }[] = [];
  async upsert(record: object): Promise<'created'> {
    this.upserts.push(record);
    return 'created';
  }
  async remove(record: object, reason: RemoveReason): Promise<'deleted'> {
    this.removals.push({ record, reason });
    return 'deleted';
  }
  async list(): Promise<object[]> {
    return [];
  }
}

/** A record of the test mapping: the agent's identity key and the health it reported. */
interface KeyedRecord {
  readonly key: string;
  readonly namespace: string;
  readonly status: string;
  readonly observedAt: number;
}

const keyedMapping: AgentRecordMapping<KeyedRecord> = {
  name: 'keyed',
  recordOf: (agent: AgentView, now: number) =>
    agent.identity?.key === undefined
      ? undefined
      : {
          key: agent.identity.key,
          namespace: 'shop',
          status: agent.status.health?.status ?? '',
          observedAt: now,
        },
  keyOf: (record) => record.key,
  atSessionEnd: () => 'remove',
};

/** How {@link KeyedRecord}s would be written as custom resources (only the store's construction is tested here). */
const keyedResource: CustomResourceMapping<KeyedRecord> = {
  group: 'example.com',
  version: 'v1',
  plural: 'keyedrecords',
  kind: 'KeyedRecord',
  objectRef: (record) => ({ namespace: record.namespace, name: record.key }),
  ownerPod: (record) => ({ name: record.key }),
  newObject: () => ({ labels: {}, spec: {} }),
  statusOf: (_current, record) => ({ status: record.status }),
  sameStatus: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  recordOf: () => undefined,
};

/** A plugin whose `recordMapping()` answers {@link keyedMapping}, with or without a custom resource. */
function mappingPlugin(mapping: AgentRecordMapping<KeyedRecord>): new () => OpampPluginHooks {
  @OpampPlugin({ name: 'keyed-records' })
  @Injectable()
  class MappingPlugin implements OpampPluginHooks {
    recordMapping(): AgentRecordMapping {
      return mapping as AgentRecordMapping<object> as AgentRecordMapping;
    }
  }
  return MappingPlugin;
}

describe('PersistenceModule', () => {
  let server: FakeKubeApiServer;

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps an AgentSnapshot per agent in memory by default, without needing Kubernetes', async () => {
    const app = await startPersistence(undefined, { mode: 'memory' });
    captureLogs();
    const store = app.persistence.store;
    expect(store).toBeInstanceOf(MemoryAgentStore);
    expect(app.persistence.recordMapping).toBe(agentSnapshotMapping);
    const session = identifiedSession('shop/cart/app');
    connect(app.events, session);
    await app.idle();
    expect((store as MemoryAgentStore<AgentSnapshot>).get(session.displayId)).toMatchObject({
      agentId: session.displayId,
      identity: { provider: 'test', key: 'shop/cart/app', labels: { team: 'a' } },
      description: { identifyingAttributes: { 'service.name': 'cart' } },
      health: { healthy: true, status: 'Healthy', lastError: '' },
    });
    await app.close();
  });

  it('keeps records in memory in kubernetes mode when the mapping has no custom resource', async () => {
    const app = await startPersistence(server, { mode: 'kubernetes' });
    captureLogs();
    expect(app.persistence.store).toBeInstanceOf(MemoryAgentStore);
    await app.close();
  });

  it("writes the plugin mapping's custom resources in kubernetes mode", async () => {
    const plugin = mappingPlugin({ ...keyedMapping, customResource: keyedResource });
    const app = await startPersistence(server, { mode: 'kubernetes' }, [plugin]);
    captureLogs();
    expect(app.persistence.recordMapping.name).toBe('keyed');
    expect(app.persistence.store).toBeInstanceOf(CustomResourceStore);
    await app.close();
  });

  it("keeps the plugin mapping's records in memory, by its keys, in memory mode", async () => {
    const plugin = mappingPlugin({ ...keyedMapping, customResource: keyedResource });
    const app = await startPersistence(server, { mode: 'memory' }, [plugin]);
    captureLogs();
    const store = app.persistence.store;
    expect(store).toBeInstanceOf(MemoryAgentStore);
    connect(app.events, identifiedSession('shop/cart/app'));
    await app.idle();
    expect((store as MemoryAgentStore<KeyedRecord>).get('shop/cart/app')).toMatchObject({
      status: 'Healthy',
    });
    await app.close();
  });

  it('refuses to start in kubernetes mode, for a mapping with a custom resource, without a Kubernetes configuration', async () => {
    const plugin = mappingPlugin({ ...keyedMapping, customResource: keyedResource });
    const failure = await startPersistence(undefined, { mode: 'kubernetes' }, [plugin]).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(KubernetesPersistenceUnavailableError);
    expect((failure as Error).message).toMatch(/KUBECONFIG.*PERSISTENCE=memory/);
  });

  it('uses a store provided with forRoot, whatever the mode', async () => {
    const store = new RecordingStore();
    const app = await startPersistence(server, { mode: 'kubernetes', store });
    captureLogs();
    expect(app.persistence.store).toBe(store);
    connect(app.events, identifiedSession());
    await app.idle();
    expect(store.upserts).toHaveLength(1);
    await app.close();
  });

  it("removes a session's old record as superseded when its record key changes", async () => {
    const store = new RecordingStore();
    const app = await startPersistence(undefined, { mode: 'memory', store }, [mappingPlugin(keyedMapping)]);
    captureLogs();
    const session = identifiedSession('shop/cart/app');
    connect(app.events, session);
    await app.idle();
    session.identity = { provider: 'test', key: 'shop/cart/app/42' };
    deliver(app.events, session, { health: { healthy: false, status: 'Degraded', lastError: 'x' } });
    await app.idle();
    expect(store.upserts.map((record) => (record as KeyedRecord).key)).toEqual([
      'shop/cart/app',
      'shop/cart/app/42',
    ]);
    expect(store.removals.map(({ record, reason }) => [(record as KeyedRecord).key, reason])).toEqual([
      ['shop/cart/app', 'superseded'],
    ]);
    await app.close();
  });

  // Fails today: PersistenceModule imports SessionModule and KubernetesModule but not PluginsModule, and
  // SessionModule does not re-export it, so AgentPersistence cannot resolve PluginHost on its own
  // (src/modules/persistence/persistence.module.ts). The harness in support/persistence-app.ts works around it.
  it('starts on its own with forRoot and ServerConfigModule (its other modules come through its imports)', async () => {
    const store = new RecordingStore();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: {} }),
        PersistenceModule.forRoot({ mode: 'memory', store }),
      ],
    })
      .overrideProvider(KUBE_CONFIG)
      .useValue(undefined)
      .compile();
    await moduleRef.init();
    captureLogs();
    connect(moduleRef.get(AgentEvents), identifiedSession());
    await moduleRef.get(AgentPersistence).flush(1000);
    await moduleRef.close();
    expect(store.upserts).toHaveLength(1);
  });
});
