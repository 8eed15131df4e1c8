import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  createOpAMPClient,
  RemoteConfigStatuses as ElasticRemoteConfigStatuses,
} from '@elastic/opamp-client-node';
import { AgentCapabilities, RemoteConfigStatuses } from '../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';
import { OpampPlugin } from '../../src/modules/plugins/index.js';
import { bitmask, hashConfigMap } from '../../src/modules/protocol/index.js';
import { type AgentView, type OpampPluginHooks } from '../../src/plugin-api/index.js';
import { eventually } from '../support/eventually.js';
import { attr } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

type ElasticClient = ReturnType<typeof createOpAMPClient>;
interface Offered {
  readonly hash: Uint8Array;
  readonly files: Record<string, { contentType: string; body: string }>;
}

/** Gives every described agent the attributes of where it "runs", derived from its service name. */
@OpampPlugin({ name: 'site-attributes' })
@Injectable()
class SiteAttributesPlugin implements OpampPluginHooks {
  resourceAttributes(agent: AgentView): KeyValue[] | undefined {
    const service = agent.status.description?.identifyingAttributes.find((a) => a.key === 'service.name');
    if (service?.value?.value?.$case !== 'stringValue') return undefined;
    return [attr('deployment.environment', 'prod'), attr('site.name', `${service.value.value.value}-site`)];
  }
}

const ACCEPTS_CONFIG = bitmask(
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
);

describe('resource attributes reach agents as a remote-config file (@elastic/opamp-client-node)', () => {
  let server: TestServer;
  const running: ElasticClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ extras: { plugins: [SiteAttributesPlugin] } });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((client) => client.shutdown()));
  });
  afterAll(() => server.close());

  function start(serviceName: string, capabilities: bigint): { offered: Offered[]; uid: Uint8Array } {
    const offered: Offered[] = [];
    const client: ElasticClient = createOpAMPClient({
      endpoint: server.opampUrl,
      heartbeatIntervalSeconds: 0.1,
      capabilities,
      onMessage: ({ remoteConfig }) => {
        if (!remoteConfig) return;
        const files: Offered['files'] = {};
        const configMap: Record<string, { contentType: string; body: Uint8Array }> =
          remoteConfig.config?.configMap ?? {};
        for (const [name, file] of Object.entries(configMap)) {
          files[name] = { contentType: file.contentType, body: Buffer.from(file.body).toString() };
        }
        offered.push({ hash: remoteConfig.configHash, files });
        client.setRemoteConfigStatus({
          $typeName: 'opamp.proto.RemoteConfigStatus',
          status: ElasticRemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
          lastRemoteConfigHash: remoteConfig.configHash,
          errorMessage: '',
        });
      },
    });
    client.setAgentDescription({
      identifyingAttributes: { 'service.name': serviceName },
      nonIdentifyingAttributes: {},
    });
    client.start();
    running.push(client);
    return { offered, uid: client.getInstanceUid() };
  }

  it('offers an agent that accepts remote config resource-attributes.json, hashed over its content', async () => {
    const { offered } = start('checkout', ACCEPTS_CONFIG);
    await eventually(() => offered.length > 0, 3000, 'a remote config');
    const [first] = offered;
    expect(Object.keys(first!.files)).toEqual(['resource-attributes.json']);
    expect(first!.files['resource-attributes.json']!.contentType).toBe('application/json');
    expect(JSON.parse(first!.files['resource-attributes.json']!.body)).toEqual({
      'deployment.environment': 'prod',
      'site.name': 'checkout-site',
    });
    const configMap = {
      'resource-attributes.json': {
        contentType: 'application/json',
        body: Buffer.from(first!.files['resource-attributes.json']!.body),
      },
    };
    expect(Buffer.from(first!.hash)).toEqual(hashConfigMap({ configMap }));
  });

  it('offers it once: after the agent reports it APPLIED, later replies carry no remote config', async () => {
    const { offered, uid } = start('cart', ACCEPTS_CONFIG);
    await eventually(
      () =>
        server.registry.get(uid)?.status.remoteConfigStatus?.status ===
        RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
      3000,
      'the config reported APPLIED',
    );
    const count = offered.length;
    await eventually(() => (server.registry.get(uid)?.messageCount ?? 0) >= 6, 3000, 'more heartbeats');
    expect(offered).toHaveLength(count);
  });

  it('merges the attributes file into a config assigned from the admin API, one hash over both', async () => {
    const { offered, uid } = start('payments', ACCEPTS_CONFIG);
    await eventually(() => offered.length > 0, 3000, 'the attributes');
    const session = server.registry.get(uid)!;
    await fetch(`${server.adminUrl}/api/v1/configs/payments`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: { 'otel.yaml': { body: 'sampler: 0.5', contentType: 'text/yaml' } } }),
    });
    const assigned = await fetch(`${server.adminUrl}/api/v1/configs/payments/assignments/one`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent: session.displayId }),
    });
    expect(assigned.status).toBeLessThan(300);
    await eventually(() => offered.some((o) => 'otel.yaml' in o.files), 3000, 'the assigned config');
    const merged = offered.find((o) => 'otel.yaml' in o.files)!;
    expect(Object.keys(merged.files).sort()).toEqual(['otel.yaml', 'resource-attributes.json']);
    expect(JSON.parse(merged.files['resource-attributes.json']!.body)['site.name']).toBe('payments-site');
  });

  it('gives an agent that does not accept remote config nothing, though its attributes are known', async () => {
    const { offered, uid } = start('batch', 0n);
    await eventually(() => (server.registry.get(uid)?.messageCount ?? 0) >= 3, 3000, 'some heartbeats');
    expect(offered).toEqual([]);
    expect(server.registry.get(uid)?.resourceAttributes?.map((a) => a.key)).toEqual([
      'deployment.environment',
      'site.name',
    ]);
  });
});
