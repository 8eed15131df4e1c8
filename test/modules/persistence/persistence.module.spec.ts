import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import {
  AGENT_STORE,
  type AgentRecord,
  type AgentStore,
  InstrumentationInstanceStore,
  KubernetesPersistenceUnavailableError,
  MemoryAgentStore,
  PersistenceModule,
} from '../../../src/modules/persistence/index.js';
import { AgentEvents } from '../../../src/modules/session/index.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { connectNodeAgent, makeSession } from './support/agents.js';
import { captureLogs } from './support/logs.js';
import { startPersistence } from './support/persistence-app.js';

class RecordingStore implements AgentStore {
  readonly upserts: AgentRecord[] = [];
  async upsert(record: AgentRecord): Promise<'created'> {
    this.upserts.push(record);
    return 'created';
  }
  async remove(): Promise<'absent'> {
    return 'absent';
  }
  async list(): Promise<AgentRecord[]> {
    return [];
  }
}

describe('PersistenceModule', () => {
  let server: FakeKubeApiServer;

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps records in memory with PERSISTENCE=memory, without needing Kubernetes', async () => {
    const app = await startPersistence(undefined, {}, { PERSISTENCE: 'memory' });
    captureLogs();
    const store = app.moduleRef.get<AgentStore>(AGENT_STORE);
    expect(store).toBeInstanceOf(MemoryAgentStore);
    const session = makeSession({ processId: 3 });
    connectNodeAgent(app.events, session);
    await app.idle();
    expect(
      (store as MemoryAgentStore).get({ namespace: 'shop', podName: 'frontend-7d4b9c-x2x9z', processId: 3 }),
    ).toMatchObject({
      agentId: session.displayId,
      health: { healthy: false, reason: 'Starting' },
    });
    await app.close();
  });

  it('writes InstrumentationInstances with PERSISTENCE=kubernetes', async () => {
    const app = await startPersistence(server);
    captureLogs();
    expect(app.moduleRef.get(AGENT_STORE)).toBeInstanceOf(InstrumentationInstanceStore);
    await app.close();
  });

  it('refuses to start with PERSISTENCE=kubernetes and no Kubernetes configuration, saying what to do', async () => {
    const failure = await startPersistence(undefined).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KubernetesPersistenceUnavailableError);
    expect((failure as Error).message).toMatch(/KUBECONFIG.*PERSISTENCE=memory/);
  });

  it('uses a store provided with forRoot', async () => {
    const store = new RecordingStore();
    const app = await startPersistence(undefined, { store });
    captureLogs();
    connectNodeAgent(app.events, makeSession());
    await app.idle();
    expect(store.upserts).toHaveLength(1);
    await app.close();
  });

  it('lets AGENT_STORE be overridden, and works when imported without forRoot', async () => {
    const store = new RecordingStore();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: { PERSISTENCE: 'kubernetes', NODE_NAME: 'n' } }),
        PersistenceModule,
      ],
    })
      .overrideProvider(KUBE_CONFIG)
      .useValue(undefined)
      .overrideProvider(AGENT_STORE)
      .useValue(store)
      .compile();
    await moduleRef.init();
    captureLogs();
    connectNodeAgent(moduleRef.get(AgentEvents), makeSession());
    await moduleRef.close();
    expect(store.upserts).toHaveLength(1);
  });
});
