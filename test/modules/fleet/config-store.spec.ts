import { beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import {
  AgentCapabilities,
  RemoteConfigStatuses,
  type ServerToAgent,
} from '../../../src/generated/opamp/v1/opamp.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import {
  CONFIG_STORE,
  ConfigNotFoundError,
  ConfigRollout,
  FleetModule,
  MemoryConfigStore,
  rolloutStateOf,
  type ConfigStore,
  type ConfigStoreChange,
} from '../../../src/modules/fleet/index.js';
import { KubernetesModule } from '../../../src/modules/kubernetes/index.js';
import { bitmask, hashConfigMap } from '../../../src/modules/protocol/index.js';
import { AgentRegistry, MessagePipeline } from '../../../src/modules/session/index.js';
import { FakeConnection } from '../../support/fake-connection.js';
import { agentToServer, attr, description, randomUid } from '../../support/opamp-messages.js';

const ACCEPTS_CONFIG = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
);
const file = (text: string) => ({ 'config.yaml': { body: Buffer.from(text), contentType: 'text/yaml' } });

describe('MemoryConfigStore', () => {
  let store: MemoryConfigStore;
  let changes: ConfigStoreChange[];

  beforeEach(() => {
    store = new MemoryConfigStore(() => Date.UTC(2026, 0, 1));
    changes = [];
    store.onChange((change) => changes.push(change));
  });

  it('keeps configs by name with the hash agents are sent, and tells listeners of changes', async () => {
    const { config, created } = await store.putConfig('base', file('a: 1'));
    expect(created).toBe(true);
    expect(config.hash).toEqual(hashConfigMap({ configMap: file('a: 1') }));
    expect(config.updatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect((await store.putConfig('base', file('a: 1'))).created).toBe(false);
    await store.putConfig('base', file('a: 2'));
    expect(store.getConfig('base')?.files['config.yaml']?.body.toString()).toBe('a: 2');
    expect(changes).toEqual([{ configs: ['base'] }, { configs: ['base'] }]);
  });

  it('keeps assignments with their config, replaces them by name and deletes them with it', async () => {
    await store.putConfig('base', file('a: 1'));
    await store.putConfig('other', file('b: 1'));
    expect(
      (await store.putAssignment({ config: 'base', name: 'prod', selector: { env: 'prod' } })).created,
    ).toBe(true);
    expect(
      (await store.putAssignment({ config: 'base', name: 'prod', selector: { env: 'dev' } })).created,
    ).toBe(false);
    await store.putAssignment({ config: 'other', name: 'one', agent: 'agent-1' });
    expect(store.listAssignments()).toEqual([
      { config: 'base', name: 'prod', selector: { env: 'dev' } },
      { config: 'other', name: 'one', agent: 'agent-1' },
    ]);
    await store.putConfig('base', file('a: 2'));
    expect(store.listAssignments('base')).toHaveLength(1);
    expect(await store.deleteConfig('base')).toBe(true);
    expect(store.listAssignments()).toEqual([{ config: 'other', name: 'one', agent: 'agent-1' }]);
    expect(await store.deleteAssignment('other', 'missing')).toBe(false);
  });

  it('refuses an assignment to a config that does not exist', async () => {
    await expect(store.putAssignment({ config: 'nope', name: 'x', selector: {} })).rejects.toBeInstanceOf(
      ConfigNotFoundError,
    );
  });
});

describe('FleetModule', () => {
  let server: MessagePipeline;
  let store: ConfigStore;
  let rollout: ConfigRollout;
  let registry: AgentRegistry;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: { CONFIG_STORE: 'memory' } }),
        KubernetesModule,
        FleetModule,
      ],
    }).compile();
    await moduleRef.init();
    server = moduleRef.get(MessagePipeline);
    store = moduleRef.get(CONFIG_STORE);
    rollout = moduleRef.get(ConfigRollout);
    registry = moduleRef.get(AgentRegistry);
  });

  const connect = async (env: string, connection = new FakeConnection()): Promise<ServerToAgent> =>
    server.handle(
      connection,
      agentToServer({
        instanceUid: randomUid(),
        capabilities: ACCEPTS_CONFIG,
        agentDescription: description(`svc-${env}`, [attr('env', env)]),
        remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(0), status: 0, errorMessage: '' },
      }),
    );

  it('uses the in-memory store unless told otherwise', () => {
    expect(store).toBeInstanceOf(MemoryConfigStore);
  });

  it('offers the config of the most specific assignment in the first reply', async () => {
    await store.putConfig('base', file('level: info'));
    await store.putConfig('prod', file('level: warn'));
    await store.putAssignment({ config: 'base', name: 'everyone', selector: {} });
    await store.putAssignment({ config: 'prod', name: 'prod', selector: { env: 'prod' } });

    const prod = await connect('prod');
    const dev = await connect('dev');

    expect(prod.remoteConfig?.config?.configMap['config.yaml']?.body.toString()).toBe('level: warn');
    expect(dev.remoteConfig?.config?.configMap['config.yaml']?.body.toString()).toBe('level: info');
    expect(prod.remoteConfig?.configHash).toEqual(store.getConfig('prod')?.hash);
  });

  it('pushes a changed config to the WebSocket agents it decides, and only to them', async () => {
    await store.putConfig('prod', file('level: warn'));
    await store.putAssignment({ config: 'prod', name: 'prod', selector: { env: 'prod' } });
    const prodConnection = new FakeConnection();
    const devConnection = new FakeConnection();
    await connect('prod', prodConnection);
    await connect('dev', devConnection);

    await store.putConfig('prod', file('level: error'));
    await rollout.idle();

    expect(
      prodConnection.pushed.map((m) => m.remoteConfig?.config?.configMap['config.yaml']?.body.toString()),
    ).toEqual(['level: error']);
    expect(devConnection.pushed).toEqual([]);
  });

  it('tracks the status the agent reports for the config it was given', async () => {
    await store.putConfig('base', file('x: 1'));
    await store.putAssignment({ config: 'base', name: 'all', selector: {} });
    const uid = randomUid();
    const connection = new FakeConnection();
    const first = await server.handle(
      connection,
      agentToServer({ instanceUid: uid, capabilities: ACCEPTS_CONFIG, agentDescription: description('s') }),
    );
    const session = registry.get(uid)!;
    expect(rolloutStateOf(session)).toBe('pending');
    for (const [status, state] of [
      [RemoteConfigStatuses.RemoteConfigStatuses_APPLYING, 'applying'],
      [RemoteConfigStatuses.RemoteConfigStatuses_FAILED, 'failed'],
      [RemoteConfigStatuses.RemoteConfigStatuses_APPLIED, 'applied'],
    ] as const) {
      await server.handle(
        connection,
        agentToServer({
          instanceUid: uid,
          sequenceNum: BigInt(status),
          capabilities: ACCEPTS_CONFIG,
          remoteConfigStatus: {
            lastRemoteConfigHash: first.remoteConfig!.configHash,
            status,
            errorMessage: '',
          },
        }),
      );
      expect(rolloutStateOf(session)).toBe(state);
    }
  });
});
