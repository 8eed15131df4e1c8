import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { OpampModule } from '../src/opamp.module.js';
import { SERVER_CONFIG, type ServerConfig } from '../src/modules/config/index.js';
import { OpampPlugin, PluginHost, type OpampPluginHooks } from '../src/plugins/index.js';
import { OpampServer } from '../src/modules/session/index.js';

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
    ]);
    expect(moduleRef.get(OpampServer)).toBeInstanceOf(OpampServer);
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

  it('refuses an unknown built-in plugin name', () => {
    expect(() => OpampModule.forRoot({ env: { ...env, PLUGINS: 'nope' } })).toThrow(/unknown plugin "nope"/);
  });
});
