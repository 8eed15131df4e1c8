import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { MalformedMessageError, ServerUnavailableError } from '../../../src/modules/protocol/index.js';
import { OpampPlugin, PluginHost, PluginsModule } from '../../../src/modules/plugins/index.js';
import { type ConnectionRequest, type OpampPluginHooks } from '../../../src/plugin-api/index.js';
import { type AgentSession } from '../../../src/modules/session/index.js';

const request: ConnectionRequest = { transport: 'http', remoteAddress: '127.0.0.1', headers: {} };
const session = {} as AgentSession;
const calls: string[] = [];

@OpampPlugin({ name: 'late', order: 200 })
@Injectable()
class LatePlugin implements OpampPluginHooks {
  authorize() {
    calls.push('late');
    return { accept: false as const, status: 403, reason: 'late says no' };
  }
  onConnect() {
    calls.push('late.onConnect');
  }
}

@OpampPlugin({ name: 'early', order: 10 })
@Injectable()
class EarlyPlugin implements OpampPluginHooks {
  authorize() {
    calls.push('early');
    return undefined;
  }
  onConnect() {
    calls.push('early.onConnect');
  }
}

@OpampPlugin({ name: 'broken', order: 50 })
@Injectable()
class BrokenPlugin implements OpampPluginHooks {
  authorize(): undefined {
    calls.push('broken');
    throw new Error('bug in plugin');
  }
  onConnect(): void {
    throw new Error('observer bug');
  }
}

@OpampPlugin({ name: 'hanging', order: 60 })
@Injectable()
class HangingPlugin implements OpampPluginHooks {
  authorize() {
    calls.push('hanging');
    return new Promise<undefined>(() => undefined);
  }
}

@OpampPlugin({ name: 'strict', order: 5 })
@Injectable()
class RefusingPlugin implements OpampPluginHooks {
  identify(): never {
    throw new MalformedMessageError('agent must send k8s.pod.name');
  }
}

@OpampPlugin({ name: 'slow-config' })
@Injectable()
class SlowConfigPlugin implements OpampPluginHooks {
  remoteConfig() {
    return new Promise<undefined>(() => undefined);
  }
  onConnect() {
    return new Promise<void>(() => undefined);
  }
}

@Injectable()
class NotAPlugin {
  authorize() {
    calls.push('not-a-plugin');
    return { accept: true as const };
  }
}

describe('PluginHost', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    calls.length = 0;
    await moduleRef?.close();
  });

  const hostWith = async (...providers: Provider[]): Promise<PluginHost> => {
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: { PLUGIN_TIMEOUT_MS: '50' } }), PluginsModule],
      providers,
    }).compile();
    await moduleRef.init();
    return moduleRef.get(PluginHost);
  };

  it('finds decorated providers only, in order, then by name', async () => {
    const host = await hostWith(LatePlugin, NotAPlugin, EarlyPlugin, BrokenPlugin);
    expect(host.registered.map((p) => p.name)).toEqual(['early', 'broken', 'late']);
  });

  it('returns the first answer of a deciding hook and stops asking', async () => {
    const host = await hostWith(LatePlugin, EarlyPlugin);
    const answer = await host.decide('authorize', request);
    expect(answer).toEqual({ plugin: 'late', value: { accept: false, status: 403, reason: 'late says no' } });
    expect(calls).toEqual(['early', 'late']);
  });

  it('answers undefined when no plugin decides', async () => {
    const host = await hostWith(EarlyPlugin);
    expect(await host.decide('authorize', request)).toBeUndefined();
    expect(await host.decide('remoteConfig', session)).toBeUndefined();
  });

  it('skips a throwing plugin and asks the next', async () => {
    const host = await hostWith(BrokenPlugin, LatePlugin);
    expect((await host.decide('authorize', request))?.plugin).toBe('late');
    expect(calls).toEqual(['broken', 'late']);
  });

  it('stops waiting for a hanging plugin after PLUGIN_TIMEOUT_MS and refuses rather than guess', async () => {
    const host = await hostWith(HangingPlugin, LatePlugin);
    const started = Date.now();
    await expect(host.decide('authorize', request)).rejects.toBeInstanceOf(ServerUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toEqual(['hanging']);
  });

  it('skips a hanging plugin on hooks that only add information', async () => {
    const host = await hostWith(SlowConfigPlugin);
    expect(await host.decide('remoteConfig', session)).toBeUndefined();
    await host.observe('onConnect', session);
  });

  it('calls every observer, even after one throws', async () => {
    const host = await hostWith(LatePlugin, BrokenPlugin, EarlyPlugin);
    await host.observe('onConnect', session);
    expect(calls).toEqual(['early.onConnect', 'late.onConnect']);
  });

  it('lets a plugin refuse a message on purpose with a ProtocolError', async () => {
    const host = await hostWith(RefusingPlugin);
    await expect(
      host.decide('identify', { agent: session, message: {} as never, connection: request }),
    ).rejects.toBeInstanceOf(MalformedMessageError);
  });

  it('refuses two plugins with one name', async () => {
    @OpampPlugin({ name: 'late' })
    @Injectable()
    class Impostor implements OpampPluginHooks {}
    await expect(hostWith(LatePlugin, Impostor)).rejects.toThrow(/two OpAMP plugins are named "late"/);
  });
});
