import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type KubeConfig } from '@kubernetes/client-node';
import { type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { AgentEnricher } from '../../../src/modules/enrichment/index.js';
import {
  KubernetesUnavailableError,
  PodNotFoundError,
} from '../../../src/modules/enrichment/enrichment.errors.js';
import { PodMetadataCache } from '../../../src/modules/enrichment/pod-metadata.cache.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { podObject } from './kube-objects.js';
import { recordNestLogs } from './recording-logger.js';

const FRONTEND_POD = 'frontend-6b7f9c5d4-q8w7e';

function attributes(list: KeyValue[]): Record<string, string[]> {
  const byKey: Record<string, string[]> = {};
  for (const { key, value } of list) {
    if (value?.value?.$case === 'stringValue') (byKey[key] ??= []).push(value.value.value);
  }
  return byKey;
}

describe('AgentEnricher', () => {
  let server: FakeKubeApiServer;
  let kubeConfig: KubeConfig;

  const enricherWith = (options: { deadlineMs?: number } = {}): AgentEnricher => {
    const pods = new PodMetadataCache(kubeConfig, { deadlineMs: options.deadlineMs ?? 1_000 });
    return new AgentEnricher(pods, { nodeName: 'server-node' });
  };

  beforeEach(async () => {
    recordNestLogs();
    server = await FakeKubeApiServer.start();
    kubeConfig = server.kubeConfig();
    server.seed(
      podObject({
        namespace: 'shop',
        name: FRONTEND_POD,
        nodeName: 'node-1',
        labels: { 'pod-template-hash': '6b7f9c5d4' },
        owners: [{ kind: 'ReplicaSet', name: 'frontend-6b7f9c5d4', controller: true }],
        containers: ['app', 'envoy'],
      }),
    );
  });

  afterEach(async () => {
    server.faults.reset();
    await server.close();
  });

  it('places a Deployment pod: pod, container, workload and node', async () => {
    const enricher = enricherWith();

    const placed = await enricher.locate({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' });

    expect(placed.pod).toMatchObject({
      name: FRONTEND_POD,
      namespace: 'shop',
      containerNames: ['app', 'envoy'],
    });
    expect(placed.containerName).toBe('app');
    expect(placed.workload).toEqual({ kind: 'Deployment', name: 'frontend', namespace: 'shop' });
    expect(placed.nodeName).toBe('node-1');
  });

  it('gives the semantic-convention resource attributes, service.name the workload unless given', async () => {
    const enricher = enricherWith();
    const placed = await enricher.locate({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' });

    const attributesOf = enricher.resourceAttributes(placed);

    expect(attributesOf.map((a) => a.key)).toEqual([
      'k8s.node.name',
      'k8s.namespace.name',
      'service.name',
      'k8s.pod.name',
      'k8s.container.name',
      'k8s.deployment.name',
    ]);
    expect(attributes(attributesOf)).toEqual({
      'k8s.node.name': ['node-1'],
      'k8s.namespace.name': ['shop'],
      'service.name': ['frontend'],
      'k8s.pod.name': [FRONTEND_POD],
      'k8s.container.name': ['app'],
      'k8s.deployment.name': ['frontend'],
    });
    expect(attributes(enricher.resourceAttributes(placed, 'storefront'))['service.name']).toEqual([
      'storefront',
    ]);
  });

  it('names a StatefulSet under its own key', async () => {
    server.seed(
      podObject({
        namespace: 'db',
        name: 'ledger-0',
        nodeName: 'node-1',
        owners: [{ kind: 'StatefulSet', name: 'ledger' }],
      }),
    );
    const enricher = enricherWith();

    const placed = await enricher.locate({ namespace: 'db', podName: 'ledger-0', containerName: 'app' });

    expect(placed.workload).toMatchObject({ kind: 'StatefulSet', name: 'ledger' });
    expect(attributes(enricher.resourceAttributes(placed))).toMatchObject({
      'k8s.statefulset.name': ['ledger'],
      'service.name': ['ledger'],
    });
  });

  it("uses this server's NODE_NAME while the pod has no node yet", async () => {
    server.seed(podObject({ namespace: 'shop', name: 'pending' }));
    const enricher = enricherWith();

    const placed = await enricher.locate({ namespace: 'shop', podName: 'pending', containerName: 'app' });

    expect(placed.nodeName).toBe('server-node');
    expect(attributes(enricher.resourceAttributes(placed))['k8s.node.name']).toEqual(['server-node']);
  });

  it('places a static pod and gives it the attributes the conventions have, and no others', async () => {
    server.seed(
      podObject({
        namespace: 'kube-system',
        name: 'etcd-node-1',
        nodeName: 'node-1',
        owners: [{ kind: 'Node', name: 'node-1' }],
      }),
    );
    const enricher = enricherWith();

    const placed = await enricher.locate({
      namespace: 'kube-system',
      podName: 'etcd-node-1',
      containerName: 'etcd',
    });

    expect(placed.workload).toEqual({ kind: 'StaticPod', name: 'etcd-node-1', namespace: 'kube-system' });
    expect(enricher.resourceAttributes(placed).map((a) => a.key)).toEqual([
      'k8s.node.name',
      'k8s.namespace.name',
      'service.name',
      'k8s.pod.name',
      'k8s.container.name',
    ]);
  });

  it('names an OpenShift DeploymentConfig as a Deployment, with no convention-specific keys', async () => {
    server.seed(
      podObject({
        namespace: 'legacy',
        name: 'billing-3-x7k2p',
        nodeName: 'node-1',
        owners: [{ kind: 'ReplicationController', name: 'billing-3', controller: true }],
      }),
    );
    const enricher = enricherWith();

    const placed = await enricher.locate({
      namespace: 'legacy',
      podName: 'billing-3-x7k2p',
      containerName: 'app',
    });

    expect(placed.workload).toMatchObject({ kind: 'DeploymentConfig', name: 'billing' });
    const keys = enricher.resourceAttributes(placed).map((a) => a.key);
    expect(keys).toContain('k8s.deployment.name');
    expect(keys.filter((key) => !key.startsWith('k8s.') && key !== 'service.name')).toEqual([]);
  });

  it('fails with PodNotFoundError for an unknown pod', async () => {
    const enricher = enricherWith();

    await expect(
      enricher.locate({ namespace: 'shop', podName: 'gone', containerName: 'app' }),
    ).rejects.toBeInstanceOf(PodNotFoundError);
  });

  it('answers within about the deadline when the API server hangs', async () => {
    server.faults.setLatency(3_000);
    const enricher = enricherWith({ deadlineMs: 100 });
    const started = Date.now();

    await expect(
      enricher.locate({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' }),
    ).rejects.toBeInstanceOf(KubernetesUnavailableError);
    expect(Date.now() - started).toBeLessThan(600);
  });
});
