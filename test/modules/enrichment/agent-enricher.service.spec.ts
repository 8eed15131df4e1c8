import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type KubeConfig } from '@kubernetes/client-node';
import { type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { parseServerConfig } from '../../../src/modules/config/index.js';
import { AgentEnricher, type EnrichmentOptions } from '../../../src/modules/enrichment/index.js';
import {
  DeviceNotFoundError,
  KubernetesUnavailableError,
  PodNotFoundError,
} from '../../../src/modules/enrichment/enrichment.errors.js';
import { InstrumentationConfigCache } from '../../../src/modules/enrichment/instrumentation-config.cache.js';
import { DevicePodResolver } from '../../../src/modules/enrichment/kubelet/device-pod-resolver.js';
import { KubeletPodResourcesClient } from '../../../src/modules/enrichment/kubelet/kubelet-pod-resources.client.js';
import { PodMetadataCache } from '../../../src/modules/enrichment/pod-metadata.cache.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { FakeKubeletPodResourcesServer } from '../../support/fake-kubelet/fake-kubelet-pod-resources.server.js';
import { fakePod } from '../../support/fake-kubelet/fake-pods.js';
import { eventually } from '../../support/eventually.js';
import { instrumentationConfigObject, podObject } from './kube-objects.js';
import { recordNestLogs } from './recording-logger.js';

const FAST = { backoffInitialMs: 5, backoffMaxMs: 40, listTimeoutMs: 1_000, watchOpenTimeoutMs: 1_000 };
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
  let kubelet: FakeKubeletPodResourcesServer;
  let kubeletClient: KubeletPodResourcesClient;
  let configs: InstrumentationConfigCache | undefined;

  const enricherWith = (options: { deadlineMs?: number } & EnrichmentOptions = {}): AgentEnricher => {
    const pods = new PodMetadataCache(kubeConfig, { deadlineMs: options.deadlineMs ?? 1_000 });
    configs = new InstrumentationConfigCache(kubeConfig, FAST);
    configs.start();
    const devices = new DevicePodResolver(kubeletClient, { minRebuildIntervalMs: 0 });
    const config = parseServerConfig({
      NODE_NAME: 'server-node',
      KUBELET_POD_RESOURCES_SOCKET: kubelet.socketPath,
    });
    return new AgentEnricher(pods, configs, devices, config, { readyWaitMs: 1_000, ...options });
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
    server.seed(
      instrumentationConfigObject('shop', 'deployment-frontend', {
        serviceName: 'storefront',
        containers: [{ containerName: 'app', agentEnabled: true, traces: {} }],
      }),
    );
    kubelet = await FakeKubeletPodResourcesServer.start([
      fakePod('shop', FRONTEND_POD, [
        {
          name: 'app',
          devices: [{ resourceName: 'instrumentation.odigos.io/generic', deviceIds: ['dev-1'] }],
        },
      ]),
    ]);
    kubeletClient = new KubeletPodResourcesClient({ socketPath: kubelet.socketPath, timeoutMs: 1_000 });
  });

  afterEach(async () => {
    await configs?.stop();
    configs = undefined;
    kubeletClient.close();
    kubelet.dispose();
    server.faults.reset();
    await server.close();
  });

  it('places a Deployment pod: workload, InstrumentationConfig, service name and resource attributes', async () => {
    const enricher = enricherWith();

    const located = await enricher.locate({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' });

    expect(located.pod).toMatchObject({
      name: FRONTEND_POD,
      namespace: 'shop',
      containerNames: ['app', 'envoy'],
    });
    expect(located.containerName).toBe('app');
    expect(located.workload).toEqual({ kind: 'Deployment', name: 'frontend', namespace: 'shop' });
    expect(located.instrumentationConfig).toMatchObject({
      name: 'deployment-frontend',
      containers: [{ containerName: 'app', agentEnabled: true, traces: {} }],
    });
    expect(located.serviceName).toBe('storefront');
    expect(located.resourceAttributes.map((a) => a.key)).toEqual([
      'k8s.node.name',
      'k8s.namespace.name',
      'service.name',
      'k8s.pod.name',
      'k8s.container.name',
      'k8s.deployment.name',
    ]);
    expect(attributes(located.resourceAttributes)).toEqual({
      'k8s.node.name': ['node-1'],
      'k8s.namespace.name': ['shop'],
      'service.name': ['storefront'],
      'k8s.pod.name': [FRONTEND_POD],
      'k8s.container.name': ['app'],
      'k8s.deployment.name': ['frontend'],
    });
  });

  it('names the service after the workload when it has no InstrumentationConfig', async () => {
    server.seed(
      podObject({
        namespace: 'db',
        name: 'ledger-0',
        nodeName: 'node-1',
        owners: [{ kind: 'StatefulSet', name: 'ledger' }],
      }),
    );
    const enricher = enricherWith();

    const located = await enricher.locate({ namespace: 'db', podName: 'ledger-0', containerName: 'app' });

    expect(located.instrumentationConfig).toBeUndefined();
    expect(located.serviceName).toBe('ledger');
    expect(attributes(located.resourceAttributes)['k8s.statefulset.name']).toEqual(['ledger']);
  });

  it("uses this server's NODE_NAME while the pod has no node yet", async () => {
    server.seed(podObject({ namespace: 'shop', name: 'pending' }));
    const enricher = enricherWith();

    const located = await enricher.locate({ namespace: 'shop', podName: 'pending', containerName: 'app' });

    expect(attributes(located.resourceAttributes)['k8s.node.name']).toEqual(['server-node']);
  });

  it('gives a static pod resource attributes instead of failing', async () => {
    server.seed(
      podObject({
        namespace: 'kube-system',
        name: 'etcd-node-1',
        nodeName: 'node-1',
        owners: [{ kind: 'Node', name: 'node-1' }],
      }),
    );
    const enricher = enricherWith();

    const located = await enricher.locate({
      namespace: 'kube-system',
      podName: 'etcd-node-1',
      containerName: 'etcd',
    });

    expect(located.workload).toEqual({ kind: 'StaticPod', name: 'etcd-node-1', namespace: 'kube-system' });
    expect(attributes(located.resourceAttributes)).toMatchObject({
      'odigos.workload.kind': ['StaticPod'],
      'odigos.workload.name': ['etcd-node-1'],
    });
  });

  it('follows a service name change made through the watch on the next locate', async () => {
    const enricher = enricherWith();
    const location = { namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' };
    await enricher.locate(location);

    server.seed(
      instrumentationConfigObject('shop', 'deployment-frontend', {
        serviceName: 'shopfront',
        containers: [],
      }),
    );
    await eventually(
      () => configs?.get('shop', 'deployment-frontend')?.serviceName === 'shopfront',
      2_000,
      'watch update',
    );

    await expect(enricher.locate(location)).resolves.toMatchObject({ serviceName: 'shopfront' });
  });

  it('waits for the first InstrumentationConfig list after start-up rather than guess the service name', async () => {
    server.faults.setLatency(150, (r) => r.verb === 'list');
    const enricher = enricherWith();

    const located = await enricher.locate({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' });

    expect(located.serviceName).toBe('storefront');
  });

  it('fails with PodNotFoundError for an unknown pod', async () => {
    const enricher = enricherWith();

    await expect(
      enricher.locate({ namespace: 'shop', podName: 'gone', containerName: 'app' }),
    ).rejects.toBeInstanceOf(PodNotFoundError);
  });

  it('answers within about the deadline when the API server hangs, even before the first list', async () => {
    server.faults.setLatency(3_000);
    const enricher = enricherWith({ deadlineMs: 100, readyWaitMs: 100 });
    const started = Date.now();

    await expect(
      enricher.locate({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' }),
    ).rejects.toBeInstanceOf(KubernetesUnavailableError);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('places the container a kubelet device id is allocated to', async () => {
    const enricher = enricherWith();

    const located = await enricher.locateDevice('dev-1');

    expect(located).toMatchObject({
      containerName: 'app',
      workload: { kind: 'Deployment', name: 'frontend' },
      serviceName: 'storefront',
    });
  });

  it('fails with DeviceNotFoundError for a device the kubelet does not list', async () => {
    const enricher = enricherWith();

    await expect(enricher.locateDevice('dev-404')).rejects.toBeInstanceOf(DeviceNotFoundError);
  });
});
