import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AgentCapabilities } from '../../src/generated/opamp/v1/opamp.js';
import {
  CONNECTION_OFFER_STORE,
  type KubernetesConnectionOfferStore,
} from '../../src/modules/connection-settings/index.js';
import { KUBE_CONFIG } from '../../src/modules/kubernetes/index.js';
import { bitmask } from '../../src/modules/protocol/index.js';
import { adminCall, type JsonObject } from '../support/admin-client.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { attr, description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const NAMESPACE = 'observability';
const ACCEPTS_SETTINGS = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings,
  AgentCapabilities.AgentCapabilities_AcceptsOtherConnectionSettings,
);
const OFFER: JsonObject = {
  target: { selector: { env: 'prod' } },
  opamp: { endpoint: 'wss://opamp-2.example:4320/v1/opamp', headers: { Authorization: 'Bearer rotated' } },
};

describe('connection offers kept as labelled ConfigMaps', () => {
  let kube: FakeKubeApiServer;
  const servers: TestServer[] = [];
  let current: TestServer;
  const pool = new WsAgentPool(() => current.wsUrl);

  const start = async (): Promise<TestServer> => {
    const server = await startTestServer({
      env: { CONFIG_STORE: 'kubernetes', POD_NAMESPACE: NAMESPACE },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(kube.kubeConfig()),
    });
    await (server.app.get(CONNECTION_OFFER_STORE) as KubernetesConnectionOfferStore).synced;
    servers.push(server);
    return server;
  };

  beforeEach(async () => {
    kube = await FakeKubeApiServer.start();
  });
  afterEach(async () => {
    pool.closeAll();
    for (const server of servers.splice(0)) await server.close();
    await kube.close();
  });

  it('an offer made on one server reaches the agents of another, and outlives a restart', async () => {
    const one = await start();
    current = await start();
    const agent = await pool.connect();
    const first = await agent.request({
      instanceUid: randomUid(),
      capabilities: ACCEPTS_SETTINGS,
      agentDescription: description('collector', [attr('env', 'prod')]),
    });
    expect(first.connectionSettings?.opamp?.destinationEndpoint).not.toBe(
      'wss://opamp-2.example:4320/v1/opamp',
    );

    expect((await adminCall(one.adminUrl, 'PUT', '/api/v1/connection-offers/move', OFFER)).status).toBe(201);
    const pushed = await agent.nextMessage(1, 5000);
    expect(pushed.connectionSettings?.opamp?.destinationEndpoint).toBe('wss://opamp-2.example:4320/v1/opamp');
    expect(pushed.connectionSettings?.opamp?.headers?.headers).toEqual([
      { key: 'Authorization', value: 'Bearer rotated' },
    ]);

    await one.close();
    servers.splice(servers.indexOf(one), 1);
    const restarted = await start();
    const listed = await adminCall<{ items: JsonObject[] }>(
      restarted.adminUrl,
      'GET',
      '/api/v1/connection-offers',
    );
    expect(listed.body.items).toEqual([expect.objectContaining({ name: 'move', opamp: OFFER.opamp })]);
  });

  it('skips a ConfigMap that is not an offer, and serves the valid ones', async () => {
    const labels = { 'opamp-nest.io/connection-offer': 'true' };
    kube.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'broken', namespace: NAMESPACE, labels },
      data: { target: '{"selector":', opamp: '{}' },
    });
    kube.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'good', namespace: NAMESPACE, labels },
      data: {
        target: '{"agent":"agent-1"}',
        otherConnections: '{"otlp":{"endpoint":"https://otlp.example"}}',
      },
    });
    current = await start();
    const listed = await adminCall<{ items: JsonObject[] }>(
      current.adminUrl,
      'GET',
      '/api/v1/connection-offers',
    );
    expect(listed.body.items.map((o) => o.name)).toEqual(['good']);
  });
});
