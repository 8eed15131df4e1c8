import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  AgentCapabilities,
  type AgentSnapshot,
  type AgentStore,
  OpampAgents,
  OpampModule,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from 'opamp-nest';
import {
  postAgentMessage,
  randomInstanceUid,
  startOpampTestApp,
  type OpampTestApp,
} from 'opamp-nest/testing';
import { AgentPersistence } from '../../src/modules/persistence/index.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { eventually } from '../support/eventually.js';
import { description } from '../support/opamp-messages.js';

/** A store of the user's own: it records what it is asked to do. */
class RecordingStore implements AgentStore<AgentSnapshot> {
  readonly upserts: AgentSnapshot[] = [];
  readonly removes: Array<{ agentId: string; reason: RemoveReason }> = [];

  async upsert(record: AgentSnapshot): Promise<UpsertOutcome> {
    this.upserts.push(record);
    return 'created';
  }

  async remove(record: AgentSnapshot, reason: RemoveReason): Promise<RemoveOutcome> {
    this.removes.push({ agentId: record.agentId, reason });
    return 'deleted';
  }

  async list(): Promise<AgentSnapshot[]> {
    return [];
  }
}

const REPORTS = BigInt(
  AgentCapabilities.AgentCapabilities_ReportsStatus | AgentCapabilities.AgentCapabilities_ReportsHealth,
);
const healthy = {
  healthy: true,
  status: 'ok',
  lastError: '',
  startTimeUnixNano: 0n,
  statusTimeUnixNano: 0n,
  componentHealthMap: {},
};

/** An agent's first message: it describes itself as `checkout` and reports itself healthy. */
const describeHealthy = (url: string, instanceUid: Buffer) =>
  postAgentMessage(url, {
    instanceUid,
    capabilities: REPORTS,
    agentDescription: description('checkout'),
    health: healthy,
  });

describe('the plugin boundary, from an application built on the package entry', () => {
  let app: OpampTestApp | undefined;
  let kube: FakeKubeApiServer | undefined;
  afterEach(async () => {
    await app?.close();
    await kube?.close();
    app = undefined;
    kube = undefined;
  });

  it('hands agents to a user-supplied store (forRoot), with no overrideProvider', async () => {
    const store = new RecordingStore();
    app = await startOpampTestApp({ agentStore: store });
    const uid = randomInstanceUid();
    await describeHealthy(app.opampUrl, uid);
    await eventually(() => store.upserts.length > 0, 2000, 'the record upserted');
    const [record] = store.upserts;
    expect(record?.identity).toEqual({ provider: 'instance-uid', key: record?.agentId, labels: {} });
    expect(record?.description?.identifyingAttributes['service.name']).toBe('checkout');
    expect(record?.health).toEqual({ healthy: true, status: 'ok', lastError: '' });

    await postAgentMessage(app.opampUrl, { instanceUid: uid, sequenceNum: 1n, agentDisconnect: {} });
    await eventually(() => store.removes.length > 0, 2000, 'the record removed');
    expect(store.removes).toEqual([{ agentId: record!.agentId, reason: 'agent-disconnect' }]);
  });

  it('takes the store from a forRootAsync factory that injects the application’s own provider', async () => {
    @Injectable()
    class StoreHolder {
      readonly store = new RecordingStore();
    }
    @Module({ providers: [StoreHolder], exports: [StoreHolder] })
    class StoreModule {}
    @Module({
      imports: [
        OpampModule.forRootAsync({
          imports: [StoreModule],
          inject: [StoreHolder],
          useFactory: (holder: StoreHolder) => ({
            env: { OPAMP_HOST: '127.0.0.1', OPAMP_PORT: '0', PERSISTENCE: 'memory' },
            kubeConfig: null,
            agentStore: holder.store,
          }),
        }),
      ],
    })
    class EmbeddingApp {}
    const nest = await NestFactory.create(EmbeddingApp, new FastifyAdapter(), { logger: false });
    await nest.init();
    try {
      const holder = nest.get(StoreHolder);
      expect(nest.get(AgentPersistence).store).toBe(holder.store);
      expect(nest.get(OpampAgents).size).toBe(0);
    } finally {
      await nest.close();
    }
  });

  it('without the Odigos plugin, makes no call on odigos.io resources even with Kubernetes persistence', async () => {
    kube = await FakeKubeApiServer.start();
    app = await startOpampTestApp({
      kubeConfig: kube.kubeConfig(),
      env: {
        PERSISTENCE: 'kubernetes',
        NODE_NAME: 'node-a',
        CONFIG_STORE: 'kubernetes',
        POD_NAMESPACE: 'obs',
      },
    });
    const uid = randomInstanceUid();
    await describeHealthy(app.opampUrl, uid);
    const persistence = app.app.get(AgentPersistence);
    await persistence.flush(2000);
    expect(persistence.recordMapping.name).toBe('agent-snapshot');
    expect(persistence.stats().writes.upsert.ok).toBe(1);
    // The API server is in use (the ConfigMap store lists and watches), but nothing names Odigos's resources.
    expect(kube.requests.some((request) => request.path.includes('/configmaps'))).toBe(true);
    expect(kube.requests.filter((request) => request.path.includes('odigos.io'))).toEqual([]);
  });
});
