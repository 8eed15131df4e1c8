import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { AgentCapabilities } from '../../src/generated/opamp/v1/opamp.js';
import { CONFIG_STORE, type KubernetesConfigStore } from '../../src/modules/fleet/index.js';
import { KUBE_CONFIG } from '../../src/modules/kubernetes/index.js';
import { bitmask, formatInstanceUid } from '../../src/modules/protocol/index.js';
import { adminCall, oneFileConfig } from '../support/admin-client.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { attr, description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const NAMESPACE = 'observability';
const ACCEPTS_CONFIG = bitmask(AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig);

describe('configs kept as ConfigMaps (CONFIG_STORE=kubernetes)', () => {
  let kube: FakeKubeApiServer;
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);

  beforeEach(async () => {
    kube = await FakeKubeApiServer.start();
    kube.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'collector-prod',
        namespace: NAMESPACE,
        labels: { 'opamp-nest.io/config': 'true' },
        annotations: { 'opamp-nest.io/selector': 'env=prod' },
      },
      data: { 'collector.yaml': 'exporters: { debug: {} }' },
    });
    server = await startTestServer({
      env: { CONFIG_STORE: 'kubernetes', POD_NAMESPACE: NAMESPACE },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(kube.kubeConfig()),
    });
    await (server.app.get(CONFIG_STORE) as KubernetesConfigStore).synced;
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
    await kube.close();
  });

  it('gives agents the config a labelled ConfigMap selects, and rolls out edits made in the cluster', async () => {
    const agent = await pool.connect();
    const uid = randomUid();
    const first = await agent.request({
      instanceUid: uid,
      capabilities: ACCEPTS_CONFIG,
      agentDescription: description('collector', [attr('env', 'prod')]),
    });
    expect(first.remoteConfig?.config?.configMap['collector.yaml']?.body.toString()).toBe(
      'exporters: { debug: {} }',
    );

    // What a GitOps tool does: replace the ConfigMap with the version from Git.
    const core = kube.kubeConfig().makeApiClient(CoreV1Api);
    const current = await core.readNamespacedConfigMap({ name: 'collector-prod', namespace: NAMESPACE });
    await core.replaceNamespacedConfigMap({
      name: 'collector-prod',
      namespace: NAMESPACE,
      body: { ...current, data: { 'collector.yaml': 'exporters: { otlp: {} }' } },
    });

    const pushed = await agent.nextMessage(1);
    expect(pushed.remoteConfig?.config?.configMap['collector.yaml']?.body.toString()).toBe(
      'exporters: { otlp: {} }',
    );
    const view = await adminCall<{ remoteConfig: { config: string; source: string } }>(
      server.adminUrl,
      'GET',
      `/api/v1/agents/${formatInstanceUid(uid)}`,
    );
    expect(view.body.remoteConfig).toEqual(
      expect.objectContaining({ source: 'fleet', config: 'collector-prod' }),
    );
  });

  it('writes configs made through the API as labelled ConfigMaps', async () => {
    const put = await adminCall(server.adminUrl, 'PUT', '/api/v1/configs/from-api', oneFileConfig('a: 1'));
    expect(put.status).toBe(201);
    await adminCall(server.adminUrl, 'PUT', '/api/v1/configs/from-api/assignments/dev', {
      selector: { env: 'dev' },
    });
    const stored = kube.get('', 'v1', 'configmaps', NAMESPACE, 'from-api');
    expect(stored?.metadata.labels).toEqual({ 'opamp-nest.io/config': 'true' });
    expect(stored?.metadata.annotations).toEqual({
      'opamp-nest.io/assignments': '[{"name":"dev","selector":{"env":"dev"}}]',
    });
    const list = await adminCall<{ store: string; items: Array<{ name: string }> }>(
      server.adminUrl,
      'GET',
      '/api/v1/configs',
    );
    expect(list.body.store).toBe('kubernetes');
    expect(list.body.items.map((c) => c.name)).toEqual(['collector-prod', 'from-api']);
  });
});
