import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { AgentCapabilities } from '../../src/generated/opamp/v1/opamp.js';
import { KUBE_CONFIG } from '../../src/modules/kubernetes/index.js';
import { type KubernetesPackageCatalog, PACKAGE_CATALOG } from '../../src/modules/packages/index.js';
import { bitmask } from '../../src/modules/protocol/index.js';
import { adminCall, type JsonObject } from '../support/admin-client.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { attr, description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const NAMESPACE = 'observability';
const ACCEPTS_PACKAGES = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsPackages,
);
const sha256hex = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('packages kept as labelled ConfigMaps, shared by two servers', () => {
  let kube: FakeKubeApiServer;
  let one: TestServer;
  let two: TestServer;
  const poolTwo = new WsAgentPool(() => two.wsUrl);

  const start = async (): Promise<TestServer> => {
    const server = await startTestServer({
      env: { CONFIG_STORE: 'kubernetes', POD_NAMESPACE: NAMESPACE },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(kube.kubeConfig()),
    });
    await (server.app.get(PACKAGE_CATALOG) as KubernetesPackageCatalog).synced;
    return server;
  };

  beforeEach(async () => {
    kube = await FakeKubeApiServer.start();
    one = await start();
    two = await start();
  });
  afterEach(async () => {
    poolTwo.closeAll();
    await one.close();
    await two.close();
    await kube.close();
  });

  it('a package written through one server is pushed to the WebSocket agents of the other', async () => {
    const agent = await poolTwo.connect();
    const first = await agent.request({
      instanceUid: randomUid(),
      capabilities: ACCEPTS_PACKAGES,
      agentDescription: description('collector', [attr('env', 'prod')]),
    });
    expect(first.packagesAvailable).toBeUndefined();

    const body: JsonObject = {
      version: '1.0.0',
      downloadUrl: 'https://downloads.test/otelcol-1.0.0.tgz',
      contentHash: sha256hex('otelcol 1.0.0'),
    };
    expect((await adminCall(one.adminUrl, 'PUT', '/api/v1/packages/otelcol', body)).status).toBe(201);
    const assigned = await adminCall(one.adminUrl, 'PUT', '/api/v1/packages/otelcol/assignments/prod', {
      selector: { env: 'prod' },
    });
    expect(assigned.status).toBe(201);

    const pushed = await agent.nextMessage(1, 5000);
    expect(pushed.packagesAvailable?.packages.otelcol?.version).toBe('1.0.0');
    const listed = await adminCall<{ catalog: string; items: JsonObject[] }>(
      two.adminUrl,
      'GET',
      '/api/v1/packages',
    );
    expect(listed.body.catalog).toBe('kubernetes');
    expect(listed.body.items.map((p) => p.name)).toEqual(['otelcol']);

    const core = kube.kubeConfig().makeApiClient(CoreV1Api);
    const stored = await core.readNamespacedConfigMap({ name: 'otelcol', namespace: NAMESPACE });
    expect(stored.metadata?.labels).toEqual({ 'opamp-nest.io/package': 'true' });
    expect(stored.data).toEqual(expect.objectContaining({ version: '1.0.0', type: 'top-level' }));
    expect(JSON.parse(stored.metadata?.annotations?.['opamp-nest.io/assignments'] ?? '[]')).toEqual([
      { name: 'prod', selector: { env: 'prod' } },
    ]);
  });

  it('an edit made in the cluster (kubectl, GitOps) is pushed to agents, and both servers show it', async () => {
    const contentHash = sha256hex('otelcol 1.0.0');
    kube.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'otelcol',
        namespace: NAMESPACE,
        labels: { 'opamp-nest.io/package': 'true' },
        annotations: { 'opamp-nest.io/selector': '' },
      },
      data: { version: '1.0.0', downloadUrl: 'https://downloads.test/a.tgz', contentHash },
    });
    const agent = await poolTwo.connect();
    const offered = await agent.request(
      { instanceUid: randomUid(), capabilities: ACCEPTS_PACKAGES, agentDescription: description('c') },
      5000,
    );
    expect(offered.packagesAvailable?.packages.otelcol?.version).toBe('1.0.0');

    const core = kube.kubeConfig().makeApiClient(CoreV1Api);
    const current = await core.readNamespacedConfigMap({ name: 'otelcol', namespace: NAMESPACE });
    await core.replaceNamespacedConfigMap({
      name: 'otelcol',
      namespace: NAMESPACE,
      body: { ...current, data: { ...current.data, version: '1.1.0' } },
    });
    const pushed = await agent.nextMessage(1, 5000);
    expect(pushed.packagesAvailable?.packages.otelcol?.version).toBe('1.1.0');
    const viewOne = await adminCall<JsonObject>(one.adminUrl, 'GET', '/api/v1/packages/otelcol');
    expect(viewOne.body.version).toBe('1.1.0');
  });
});
