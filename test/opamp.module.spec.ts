import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { OpampModule } from '../src/opamp.module.js';
import { CLOCK } from '../src/common/clock.js';
import { parseServerConfig, SERVER_CONFIG, type ServerConfig } from '../src/modules/config/index.js';
import { CONFIG_STORE, MemoryConfigStore } from '../src/modules/fleet/index.js';
import { KUBE_CONFIG } from '../src/modules/kubernetes/index.js';
import {
  AgentPersistence,
  agentSnapshotMapping,
  MemoryAgentStore,
} from '../src/modules/persistence/index.js';
import { OpampPlugin, PluginHost } from '../src/modules/plugins/index.js';
import { type OpampPluginHooks } from '../src/plugin-api/index.js';
import { MessagePipeline } from '../src/modules/session/index.js';

@OpampPlugin({ name: 'mine' })
@Injectable()
class MyPlugin implements OpampPluginHooks {}

const env = { OPAMP_HOST: '127.0.0.1', OPAMP_PORT: '0', LOG_LEVEL: 'fatal' };

describe('OpampModule', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('forRoot embeds the server with the given configuration and plugins', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [OpampModule.forRoot({ env: { ...env, OPAMP_PATH: '/opamp' }, plugins: [MyPlugin] })],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get<ServerConfig>(SERVER_CONFIG).opamp.path).toBe('/opamp');
    expect(moduleRef.get(PluginHost).registered.map((p) => p.name)).toEqual([
      'connection-settings',
      'mine',
      'fleet-config',
      'packages',
    ]);
    expect(moduleRef.get(MessagePipeline)).toBeInstanceOf(MessagePipeline);
  });

  it('forRootAsync takes its configuration from a factory', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        OpampModule.forRootAsync({
          useFactory: async () => ({ env: { ...env, MAX_MESSAGE_BYTES: '1024' } }),
          plugins: [MyPlugin],
        }),
      ],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get<ServerConfig>(SERVER_CONFIG).opamp.maxMessageBytes).toBe(1024);
    expect(moduleRef.get(PluginHost).registered.map((p) => p.name)).toContain('mine');
  });

  it('forRootAsync accepts an options class', async () => {
    @Injectable()
    class OptionsFactory {
      create() {
        return { env: { ...env, OPAMP_PATH: '/from-class' } };
      }
    }
    moduleRef = await Test.createTestingModule({
      imports: [OpampModule.forRootAsync({ useClass: OptionsFactory })],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get<ServerConfig>(SERVER_CONFIG).opamp.path).toBe('/from-class');
  });

  it('forRootAsync takes plugins beside the factory, as forRoot does', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [OpampModule.forRootAsync({ useFactory: () => ({ env }), plugins: [MyPlugin] })],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(PluginHost).registered.map((p) => p.name)).toEqual([
      'connection-settings',
      'mine',
      'fleet-config',
      'packages',
    ]);
  });

  it('gives every module the clock, config store and agent store of its options, each provided once', async () => {
    const clock = { now: () => 42_000 };
    const configStore = new MemoryConfigStore();
    const agentStore = new MemoryAgentStore(agentSnapshotMapping);
    moduleRef = await Test.createTestingModule({
      imports: [
        OpampModule.forRootAsync({
          useFactory: () => ({ env, clock, configStore, agentStore, kubeConfig: null }),
        }),
      ],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(CLOCK)).toBe(clock);
    expect(moduleRef.get(CONFIG_STORE)).toBe(configStore);
    expect(moduleRef.get(AgentPersistence).store).toBe(agentStore);
    expect(moduleRef.get(KUBE_CONFIG)).toBeUndefined();
  });

  it('parses the settings once, from the given config when there is one', async () => {
    const config = parseServerConfig({ ...env, OPAMP_PATH: '/parsed' });
    moduleRef = await Test.createTestingModule({
      imports: [OpampModule.forRoot({ config, env: { OPAMP_PATH: '/ignored' } })],
    }).compile();
    expect(moduleRef.get(SERVER_CONFIG)).toBe(config);
  });
});
