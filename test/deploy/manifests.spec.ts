import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { KUBE_CONFIG } from '../../src/modules/kubernetes/index.js';
import { AgentPersistence } from '../../src/modules/persistence/index.js';
import { adminCall, oneFileConfig } from '../support/admin-client.js';
import { eventually } from '../support/eventually.js';
import { postMessage } from '../support/http-agent.js';
import { attr } from '../support/opamp-messages.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { CONTAINER, DEVICE_ID, NAMESPACE, OdigosCluster, POD } from '../plugins/odigos/odigos-cluster.js';

type Manifest = { kind: string; metadata: { name: string }; [key: string]: unknown };
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const load = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(new URL(`../../deploy/${file}`, import.meta.url), 'utf8')).map(
    (doc) => doc.toJSON() as Manifest,
  );
const manifests = ['rbac.yaml', 'daemonset.yaml', 'service.yaml', 'namespace.yaml'].flatMap(load);
const byKind = (kind: string): Manifest => manifests.find((m) => m.kind === kind)!;

describe('deployment manifests', () => {
  const daemonSet = byKind('DaemonSet') as unknown as {
    spec: { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } };
  };
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0] as {
    env: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
    ports: Array<{ name: string; containerPort: number }>;
    volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
    livenessProbe: { httpGet: { path: string; port: string } };
    readinessProbe: { httpGet: { path: string; port: string } };
    resources: { requests: Record<string, string>; limits: Record<string, string> };
  };
  const env = (name: string) => container.env.find((e) => e.name === name);

  it('takes NODE_NAME from the downward API and serves OpAMP on 4320', () => {
    expect(env('NODE_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    expect(container.ports).toEqual(
      expect.arrayContaining([{ name: 'op-amp', containerPort: 4320, protocol: 'TCP' }]),
    );
  });

  it('probes the admin port for liveness and readiness', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' });
    expect(container.ports).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'admin', containerPort: 4321 })]),
    );
  });

  it('mounts the Unix socket directory from the host and the kubelet socket read-only', () => {
    expect(env('OPAMP_UNIX_SOCKET')?.value).toBe('/var/odigos/exchange/exchange.sock');
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'opamp-exchange', mountPath: '/var/odigos/exchange' },
        { name: 'pod-resources', mountPath: '/var/lib/kubelet/pod-resources', readOnly: true },
      ]),
    );
  });

  it('sets requests and limits and runs as a non-root user', () => {
    expect(container.resources.requests).toEqual(
      expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
    );
    expect(container.resources.limits.memory).toBeDefined();
    expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true }));
  });

  it('routes the Service to the local node only', () => {
    expect(
      (byKind('Service') as unknown as { spec: { internalTrafficPolicy: string } }).spec
        .internalTrafficPolicy,
    ).toBe('Local');
  });

  describe('RBAC grants exactly the API calls the server makes', () => {
    const rules = manifests
      .filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role')
      .flatMap((m) => (m as unknown as { rules: Rule[] }).rules);
    const granted = new Set(
      rules.flatMap((rule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${group}|${resource}|${verb}`)),
        ),
      ),
    );
    let cluster: OdigosCluster;
    const used = new Set<string>();

    beforeAll(async () => {
      cluster = await OdigosCluster.start();
      const start = () =>
        startTestServer({
          env: {
            PLUGINS: 'odigos',
            PERSISTENCE: 'kubernetes',
            CONFIG_STORE: 'kubernetes',
            POD_NAMESPACE: 'opamp-nest',
            NODE_NAME: 'node-1',
            KUBELET_POD_RESOURCES_SOCKET: cluster.kubelet.socketPath,
          },
          customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(cluster.api.kubeConfig()),
        });
      await runLifeCycle(start, cluster);
      for (const request of cluster.api.requests) {
        if (!request.verb || !request.resource) continue;
        const resource = request.subresource
          ? `${request.resource}/${request.subresource}`
          : request.resource;
        used.add(`${request.group ?? ''}|${resource}|${request.verb}`);
      }
    }, 30_000);
    afterAll(() => cluster.close());

    it('allows every call the server made', () => {
      expect([...used].filter((call) => !granted.has(call))).toEqual([]);
    });

    it('grants nothing the server does not use (pods/finalizers aside, needed for blockOwnerDeletion)', () => {
      const unused = [...granted].filter((grant) => !used.has(grant) && grant !== '|pods/finalizers|update');
      expect(unused).toEqual([]);
    });
  });
});

const pid = (key: string, value: bigint): KeyValue => ({
  key,
  value: { value: { $case: 'intValue', value } },
});

/**
 * Two agents (by attributes and by device id) connect and report, a status write conflicts, the server
 * restarts; then one agent leaves and the other goes stale.
 */
async function runLifeCycle(start: () => Promise<TestServer>, cluster: OdigosCluster): Promise<void> {
  const headers = { 'content-type': 'application/x-protobuf' };
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
      headers,
    );
    await postMessage(
      first.opampUrl,
      {
        instanceUid: b,
        agentDescription: { identifyingAttributes: [pid('process.pid', 12n)] },
        health: { healthy: true },
      },
      { ...headers, 'x-odigos-deviceid': DEVICE_ID },
    );
    await eventually(() => records().length === 2, 5000, 'two records');
    cluster.api.faults.failNext(1, { status: 409, match: (r) => r.subresource === 'status' });
    await postMessage(
      first.opampUrl,
      { instanceUid: a, sequenceNum: 1n, health: { healthy: false, lastError: 'x' } },
      headers,
    );
    await first.app.get(AgentPersistence).flush(5000);
    // An operator manages remote configs (kept as ConfigMaps) through the admin API.
    const configPath = '/api/v1/configs/collector';
    for (const [method, path, body] of [
      ['PUT', configPath, oneFileConfig('a: 1')],
      ['PUT', configPath, oneFileConfig('a: 2')],
      ['PUT', `${configPath}/assignments/everyone`, { selector: {} }],
      ['DELETE', configPath, undefined],
    ] as const) {
      // The second write races another writer: the server re-reads the ConfigMap and retries.
      cluster.api.faults.failNext(1, {
        status: 409,
        match: (r) => r.resource === 'configmaps' && r.verb === 'update',
      });
      const response = await adminCall(first.adminUrl, method, path, body);
      expect(response.status).toBeLessThan(300);
    }
  } finally {
    await first.close();
  }
  const second = await start();
  try {
    // After the restart the records are not in the new server's cache: removing them reads them first.
    await postMessage(
      second.opampUrl,
      { instanceUid: a, agentDescription: description, agentDisconnect: {}, health: { healthy: true } },
      headers,
    );
    await postMessage(
      second.opampUrl,
      { instanceUid: b, agentDescription: { identifyingAttributes: [pid('process.pid', 12n)] } },
      { ...headers, 'x-odigos-deviceid': DEVICE_ID },
    );
    second.server.disconnect(second.registry.get(b)!, 'stale');
    await second.app.get(AgentPersistence).flush(5000);
    await eventually(() => records().length === 0, 5000, 'both records deleted');
  } finally {
    await second.close();
  }
}
