import { expect } from '@jest/globals';
import { KUBE_CONFIG } from '../../src/modules/kubernetes/index.js';
import { AgentPersistence } from '../../src/modules/persistence/index.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';
import { adminCall, oneFileConfig } from '../support/admin-client.js';
import { eventually } from '../support/eventually.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { postMessage } from '../support/http-agent.js';
import { attr } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { CONTAINER, DEVICE_ID, NAMESPACE, OdigosCluster, POD } from '../plugins/odigos/odigos-cluster.js';

/** One Kubernetes API call as RBAC sees it: the namespace ('' when cluster-wide), group, resource, verb. */
export interface ApiCall {
  namespace: string;
  group: string;
  resource: string;
  verb: string;
}

/** The server's namespace in the manifests (POD_NAMESPACE from the downward API). */
export const SERVER_NAMESPACE = 'opamp-nest';

const HEADERS = { 'content-type': 'application/x-protobuf' };

const pid = (key: string, value: bigint): KeyValue => ({
  key,
  value: { value: { $case: 'intValue', value } },
});

function callsOf(api: FakeKubeApiServer): ApiCall[] {
  const calls = new Map<string, ApiCall>();
  for (const request of api.requests) {
    if (!request.verb || !request.resource) continue;
    const call = {
      namespace: request.namespace ?? '',
      group: request.group ?? '',
      resource: request.subresource ? `${request.resource}/${request.subresource}` : request.resource,
      verb: request.verb,
    };
    calls.set(JSON.stringify(call), call);
  }
  return [...calls.values()];
}

/** An operator manages remote configs (kept as ConfigMaps) through the admin API. */
async function manageConfigs(server: TestServer, api: FakeKubeApiServer): Promise<void> {
  const configPath = '/api/v1/configs/collector';
  for (const [method, path, body] of [
    ['PUT', configPath, oneFileConfig('a: 1')],
    ['PUT', configPath, oneFileConfig('a: 2')],
    ['PUT', `${configPath}/assignments/everyone`, { selector: {} }],
    ['DELETE', configPath, undefined],
  ] as const) {
    // Each write races another writer: the server re-reads the ConfigMap and retries.
    api.faults.failNext(1, { status: 409, match: (r) => r.resource === 'configmaps' && r.verb === 'update' });
    const response = await adminCall(server.adminUrl, method, path, body);
    expect(response.status).toBeLessThan(300);
  }
}

const serverEnv = (extra: Record<string, string>): Record<string, string> => ({
  CONFIG_STORE: 'kubernetes',
  POD_NAMESPACE: SERVER_NAMESPACE,
  NODE_NAME: 'node-1',
  ...extra,
});

/**
 * The base's life cycle, no plugin: agents in a pod of this node and of another node, reporting their
 * Kubernetes attributes, connect; an operator manages configs (each write conflicting once); the server
 * restarts and the agents come back. Without a plugin nothing places agents in pods, so the server reads no
 * pods. Returns the API calls made.
 */
export async function baseLifeCycle(): Promise<ApiCall[]> {
  const api = await FakeKubeApiServer.start();
  try {
    for (const [name, nodeName] of [
      ['here-7d4f9c-x2x9k', 'node-1'],
      ['elsewhere-5b6c7d-q8w9e', 'node-2'],
    ] as const) {
      api.seed({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: NAMESPACE, uid: `${name}-uid` },
        spec: { nodeName, containers: [{ name: CONTAINER, image: 'app:1' }] },
      });
    }
    const start = () =>
      startTestServer({
        env: serverEnv({}),
        customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(api.kubeConfig()),
      });
    const agent = (pod: string) => ({
      identifyingAttributes: [
        attr('k8s.namespace.name', NAMESPACE),
        attr('k8s.pod.name', pod),
        attr('k8s.container.name', CONTAINER),
        pid('process.pid', 7n),
      ],
    });
    for (let round = 0; round < 2; round++) {
      const server = await start();
      try {
        for (const [uid, pod] of [
          ['agent-here', 'here-7d4f9c-x2x9k'],
          ['agent-elsewhere', 'elsewhere-5b6c7d-q8w9e'],
        ] as const) {
          const reply = await postMessage(
            server.opampUrl,
            { instanceUid: Buffer.from(uid), agentDescription: agent(pod), health: { healthy: true } },
            HEADERS,
          );
          expect(reply.status).toBe(200);
          expect(reply.message?.errorResponse).toBeUndefined();
        }
        if (round === 0) await manageConfigs(server, api);
      } finally {
        await server.close();
      }
    }
    return callsOf(api);
  } finally {
    await api.close();
  }
}

/**
 * The Odigos life cycle: two agents (by attributes and by device id) connect and report, a status write
 * conflicts, an operator manages configs, the server restarts; then one agent leaves and the other goes
 * stale. Returns the API calls made.
 */
export async function odigosLifeCycle(): Promise<ApiCall[]> {
  const cluster = await OdigosCluster.start();
  try {
    const start = () =>
      startTestServer({
        env: serverEnv({
          PLUGINS: 'odigos',
          PERSISTENCE: 'kubernetes',
          KUBELET_POD_RESOURCES_SOCKET: cluster.kubelet.socketPath,
        }),
        customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(cluster.api.kubeConfig()),
      });
    await runOdigosLifeCycle(start, cluster);
    return callsOf(cluster.api);
  } finally {
    await cluster.close();
  }
}

async function runOdigosLifeCycle(start: () => Promise<TestServer>, cluster: OdigosCluster): Promise<void> {
  const a = Buffer.from('agent-a');
  const b = Buffer.from('agent-b');
  const description = {
    identifyingAttributes: [
      attr('k8s.namespace.name', NAMESPACE),
      attr('k8s.pod.name', POD),
      attr('k8s.container.name', CONTAINER),
      pid('process.vpid', 11n),
    ],
  };
  const records = () => cluster.api.list('odigos.io', 'v1alpha1', 'instrumentationinstances', NAMESPACE);
  const first = await start();
  try {
    await postMessage(
      first.opampUrl,
      { instanceUid: a, agentDescription: description, health: { healthy: true } },
      HEADERS,
    );
    await postMessage(
      first.opampUrl,
      {
        instanceUid: b,
        agentDescription: { identifyingAttributes: [pid('process.pid', 12n)] },
        health: { healthy: true },
      },
      { ...HEADERS, 'x-odigos-deviceid': DEVICE_ID },
    );
    await eventually(() => records().length === 2, 5000, 'two records');
    cluster.api.faults.failNext(1, { status: 409, match: (r) => r.subresource === 'status' });
    await postMessage(
      first.opampUrl,
      { instanceUid: a, sequenceNum: 1n, health: { healthy: false, lastError: 'x' } },
      HEADERS,
    );
    await first.app.get(AgentPersistence).flush(5000);
    await manageConfigs(first, cluster.api);
  } finally {
    await first.close();
  }
  const second = await start();
  try {
    // After the restart the records are not in the new server's cache: removing them reads them first.
    await postMessage(
      second.opampUrl,
      { instanceUid: a, agentDescription: description, agentDisconnect: {}, health: { healthy: true } },
      HEADERS,
    );
    await postMessage(
      second.opampUrl,
      { instanceUid: b, agentDescription: { identifyingAttributes: [pid('process.pid', 12n)] } },
      { ...HEADERS, 'x-odigos-deviceid': DEVICE_ID },
    );
    second.server.disconnect(second.registry.get(b)!, 'stale');
    await second.app.get(AgentPersistence).flush(5000);
    await eventually(() => records().length === 0, 5000, 'both records deleted');
  } finally {
    await second.close();
  }
}
