import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import { AgentPersistence } from '../../../src/modules/persistence/index.js';
import { workloadOfConfigName } from '../../../src/plugins/odigos/workloads/odigos-workloads.js';
import { adminCall, adminClient } from '../../support/admin-client.js';
import { OdigosNodeAgentSimulator } from '../../support/odigos-agents/index.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { CONTAINER, NAMESPACE, OdigosCluster, POD } from './odigos-cluster.js';
import { reportOdigosAgent } from './odigos-workload-agents.js';

interface StoredInstance {
  metadata: { name: string };
  status?: { healthy?: boolean; reason?: string; message?: string; lastStatusTime?: string };
}

/** `GET /api/v1/odigos/workloads`: what the plugin holds, as a node server's admin route. */
describe('the Odigos workloads route', () => {
  let cluster: OdigosCluster;
  let server: TestServer;
  const stored = (vpid: number): StoredInstance | undefined =>
    cluster.api.get('odigos.io', 'v1alpha1', 'instrumentationinstances', NAMESPACE, `${POD}-${vpid}`) as
      StoredInstance | undefined;
  const workloads = async () => {
    const { data, error, response } = await adminClient(server.adminUrl).GET('/api/v1/odigos/workloads');
    expect([response.status, error]).toEqual([200, undefined]);
    return data!;
  };

  beforeAll(async () => {
    cluster = await OdigosCluster.start();
    // A second workload with an InstrumentationConfig and no agent on this node.
    cluster.api.seed({
      apiVersion: 'odigos.io/v1alpha1',
      kind: 'InstrumentationConfig',
      metadata: { name: 'statefulset-ledger-db', namespace: 'bank', generation: 1 },
      spec: { containers: [{ containerName: 'db', agentEnabled: false }] },
    });
    server = await startTestServer({
      env: { PLUGINS: 'odigos', PERSISTENCE: 'kubernetes', NODE_NAME: 'node-1' },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(cluster.api.kubeConfig()),
    });
  });
  afterAll(async () => {
    await server?.close();
    await cluster?.close();
  });

  it('lists the cached InstrumentationConfigs as workloads before any agent connects', async () => {
    const deadline = Date.now() + 5000;
    while (!(await workloads()).instrumentationConfigsReady) {
      if (Date.now() > deadline) throw new Error('the InstrumentationConfigs were not listed within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const list = await workloads();
    expect(list.node).toBe('node-1');
    expect(list.items).toEqual([
      {
        namespace: 'bank',
        kind: 'StatefulSet',
        name: 'ledger-db',
        instrumentationConfig: { name: 'statefulset-ledger-db', serviceName: null, containers: ['db'] },
        agents: 0,
        instances: [],
      },
      {
        namespace: NAMESPACE,
        kind: 'Deployment',
        name: 'frontend',
        instrumentationConfig: {
          name: 'deployment-frontend',
          serviceName: 'frontend-svc',
          containers: [CONTAINER],
        },
        agents: 0,
        instances: [],
      },
    ]);
  });

  it('shows each agent’s InstrumentationInstance as the server wrote it, healthy or not', async () => {
    const node = new OdigosNodeAgentSimulator({
      target: new URL(server.opampUrl).host,
      namespace: NAMESPACE,
      podName: POD,
      containerName: CONTAINER,
      vpid: 301,
      firstMessageRetryDelayMs: 5,
      autoHeartbeat: false,
    });
    await node.start();
    await node.idle();
    const failing = await reportOdigosAgent(server.opampUrl, {
      namespace: NAMESPACE,
      podName: POD,
      containerName: CONTAINER,
      vpid: 302,
      healthy: false,
      status: 'AgentFailure',
      lastError: 'exporter otlp: connection refused',
    });
    await server.app.get(AgentPersistence).flush(5000);

    const frontend = (await workloads()).items.find((item) => item.name === 'frontend')!;
    expect(frontend.agents).toBe(2);
    expect(frontend.instances.map((instance) => instance.name)).toEqual([`${POD}-301`, `${POD}-302`]);
    const [healthy, unhealthy] = frontend.instances;
    expect(healthy).toEqual(
      expect.objectContaining({
        namespace: NAMESPACE,
        podName: POD,
        containerName: CONTAINER,
        processId: 301,
        agentId: node.instanceUid,
        language: 'nodejs',
        healthy: true,
        reason: 'Healthy',
        message: null,
      }),
    );
    expect(healthy!.identifyingAttributes).toEqual(
      expect.arrayContaining([{ key: 'process.vpid', value: '301' }]),
    );
    expect(unhealthy).toEqual(
      expect.objectContaining({
        agentId: failing,
        processId: 302,
        healthy: false,
        reason: 'AgentFailure',
        message: 'exporter otlp: connection refused',
      }),
    );
    // The same state as the objects in the cluster, written at the same time.
    for (const instance of [healthy!, unhealthy!]) {
      const object = stored(instance.processId!)!;
      expect({
        healthy: instance.healthy,
        reason: instance.reason,
        message: instance.message ?? undefined,
        lastStatusTime: Date.parse(instance.lastStatusTime),
      }).toEqual({
        healthy: object.status?.healthy,
        reason: object.status?.reason,
        message: object.status?.message,
        lastStatusTime: Date.parse(object.status!.lastStatusTime!),
      });
    }

    // Once the agent leaves, this server holds it no more: its (kept, unhealthy) object is the cluster's.
    await node.stop('SIGTERM');
    await server.app.get(AgentPersistence).flush(5000);
    const after = (await workloads()).items.find((item) => item.name === 'frontend')!;
    expect(after.instances.map((instance) => instance.processId)).toEqual([302]);
    expect(stored(301)?.status?.reason).toBe('ProcessTerminated');
  });

  it('reads no Kubernetes object per request', async () => {
    cluster.api.requests.clear();
    for (let i = 0; i < 5; i++) await workloads();
    expect(cluster.api.requests.filter((request) => request.verb !== 'watch')).toEqual([]);
  });

  it('is behind ADMIN_TOKEN like every admin route', async () => {
    const guarded = await startTestServer({
      env: { PLUGINS: 'odigos', ADMIN_TOKEN: 'odigos-route-token-0123' },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(null),
    });
    try {
      expect((await adminCall(guarded.adminUrl, 'GET', '/api/v1/odigos/workloads')).status).toBe(401);
      const allowed = await adminCall(
        guarded.adminUrl,
        'GET',
        '/api/v1/odigos/workloads',
        undefined,
        'odigos-route-token-0123',
      );
      expect(allowed.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

describe('workloadOfConfigName', () => {
  it('splits Odigos’s `<kind-lowercase>-<name>` at the first dash and spells the kind as Kubernetes does', () => {
    expect(workloadOfConfigName('deployment-frontend-v2')).toEqual({
      kind: 'Deployment',
      name: 'frontend-v2',
    });
    expect(workloadOfConfigName('cronjob-nightly')).toEqual({ kind: 'CronJob', name: 'nightly' });
    expect(workloadOfConfigName('mykind-x')).toEqual({ kind: 'mykind', name: 'x' });
    expect(workloadOfConfigName('nodash')).toBeUndefined();
    expect(workloadOfConfigName('-x')).toBeUndefined();
  });
});
