import { afterEach, describe, expect, it } from '@jest/globals';
import { AgentPersistence } from '../../../src/modules/persistence/index.js';
import { PluginHost } from '../../../src/modules/plugins/index.js';
import { InstrumentationConfigCache, OdigosPluginModule } from '../../../src/plugins/odigos/index.js';
import { DevicePodResolver } from '../../../src/modules/enrichment/index.js';
import {
  postAgentMessage,
  randomInstanceUid,
  startOpampTestApp,
  type OpampTestApp,
} from '../../../src/testing/index.js';

describe('OdigosPluginModule', () => {
  let server: OpampTestApp | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('registers the odigos plugin, its InstrumentationConfig watch and its kubelet device lookup', async () => {
    server = await startOpampTestApp({ plugins: [OdigosPluginModule.forRoot()] });
    const names = server.app.get(PluginHost).registered.map((plugin) => `${plugin.name}(${plugin.order})`);
    expect(names).toEqual(['connection-settings(0)', 'odigos(20)', 'fleet-config(1000)', 'packages(1000)']);
    expect(server.app.get(InstrumentationConfigCache)).toBeInstanceOf(InstrumentationConfigCache);
    expect(server.app.get(DevicePodResolver)).toBeInstanceOf(DevicePodResolver);
  });

  it('hands its InstrumentationInstance mapping to the persistence layer', async () => {
    server = await startOpampTestApp({ plugins: [OdigosPluginModule.forRoot()] });
    const mapping = server.app.get(AgentPersistence).recordMapping;
    expect(mapping.name).toBe('instrumentation-instance');
    expect(mapping.customResource).toMatchObject({
      group: 'odigos.io',
      version: 'v1alpha1',
      plural: 'instrumentationinstances',
      kind: 'InstrumentationInstance',
    });
  });

  it('takes its options from forRoot: device-id identity with a header of your choice', async () => {
    server = await startOpampTestApp({
      plugins: [OdigosPluginModule.forRoot({ identity: 'device-id', deviceIdHeader: 'X-Device' })],
    });
    const refused = await postAgentMessage(server.opampUrl, { instanceUid: randomInstanceUid() });
    expect(refused.status).toBe(401);
    expect(refused.reply?.errorResponse?.errorMessage).toMatch(/missing x-device header/);
  });

  it('refuses an agent that names no pod with a 400 that says what is missing, and keeps serving', async () => {
    server = await startOpampTestApp({ plugins: [OdigosPluginModule.forRoot({ identity: 'attributes' })] });
    const exchange = await postAgentMessage(server.opampUrl, {
      instanceUid: randomInstanceUid(),
      agentDescription: { identifyingAttributes: [], nonIdentifyingAttributes: [] },
    });
    expect(exchange.status).toBe(400);
    expect(exchange.reply?.errorResponse?.errorMessage).toMatch(/k8s\.namespace\.name/);
    expect(server.agents.size).toBe(0);
  });
});
