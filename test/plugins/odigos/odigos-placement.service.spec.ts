import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type KubeConfig } from '@kubernetes/client-node';
import { type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { AgentEnricher } from '../../../src/modules/enrichment/index.js';
import {
  DeviceNotFoundError,
  KubernetesUnavailableError,
} from '../../../src/modules/enrichment/enrichment.errors.js';
import { DevicePodResolver } from '../../../src/modules/enrichment/kubelet/device-pod-resolver.js';
import { KubeletPodResourcesClient } from '../../../src/modules/enrichment/kubelet/kubelet-pod-resources.client.js';
import { PodMetadataCache } from '../../../src/modules/enrichment/pod-metadata.cache.js';
import { InstrumentationConfigCache } from '../../../src/plugins/odigos/instrumentation-config/instrumentation-config.cache.js';
import { OdigosPlacementService } from '../../../src/plugins/odigos/odigos-placement.service.js';
import { eventually } from '../../support/eventually.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { FakeKubeletPodResourcesServer } from '../../support/fake-kubelet/fake-kubelet-pod-resources.server.js';
import { fakePod } from '../../support/fake-kubelet/fake-pods.js';
import { instrumentationConfigObject, podObject } from '../../modules/enrichment/kube-objects.js';
import { recordNestLogs } from '../../modules/enrichment/recording-logger.js';

const FAST = { backoffInitialMs: 5, backoffMaxMs: 40, listTimeoutMs: 1_000, watchOpenTimeoutMs: 1_000 };
const FRONTEND_POD = 'frontend-6b7f9c5d4-q8w7e';

function attributes(list: readonly KeyValue[]): Record<string, string[]> {
  const byKey: Record<string, string[]> = {};
  for (const { key, value } of list) {
    if (value?.value?.$case === 'stringValue') (byKey[key] ??= []).push(value.value.value);
  }
  return byKey;
}

describe('OdigosPlacementService', () => {
  let server: FakeKubeApiServer;
  let kubeConfig: KubeConfig;
  let kubelet: FakeKubeletPodResourcesServer;
  let kubeletClient: KubeletPodResourcesClient;
  let configs: InstrumentationConfigCache | undefined;

  const placementWith = (options: { deadlineMs?: number } = {}): OdigosPlacementService => {
    const pods = new PodMetadataCache(kubeConfig, { deadlineMs: options.deadlineMs ?? 1_000 });
    configs = new InstrumentationConfigCache(kubeConfig, FAST);
    configs.start();
    const devices = new DevicePodResolver(kubeletClient, {
      resourceNameFilter: 'odigos.io',
      minRebuildIntervalMs: 0,
    });
    return new OdigosPlacementService(new AgentEnricher(pods, { nodeName: 'server-node' }), configs, devices);
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
        {
          name: 'envoy',
          devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: ['gpu-0'] }],
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

  it('places a Deployment pod with its InstrumentationConfig, service name and resource attributes', async () => {
    const placement = placementWith();

    const placed = await placement.place({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' });

    expect(placed.workload).toEqual({ kind: 'Deployment', name: 'frontend', namespace: 'shop' });
    expect(placed.instrumentationConfig).toMatchObject({
      name: 'deployment-frontend',
      containers: [{ containerName: 'app', agentEnabled: true, traces: {} }],
    });
    expect(placed.serviceName).toBe('storefront');
    expect(placed.resourceAttributes.map((a) => a.key)).toEqual([
      'k8s.node.name',
      'k8s.namespace.name',
      'service.name',
      'k8s.pod.name',
      'k8s.container.name',
      'k8s.deployment.name',
    ]);
    expect(attributes(placed.resourceAttributes)).toEqual({
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
    const placement = placementWith();

    const placed = await placement.place({ namespace: 'db', podName: 'ledger-0', containerName: 'app' });

    expect(placed.instrumentationConfig).toBeUndefined();
    expect(placed.serviceName).toBe('ledger');
    expect(attributes(placed.resourceAttributes)).toMatchObject({
      'k8s.statefulset.name': ['ledger'],
      'service.name': ['ledger'],
    });
    expect(placed.resourceAttributes.map((a) => a.key)).not.toContain('odigos.workload.kind');
  });

  it('adds odigos.workload.kind and name for a static pod, as Odigos writes them', async () => {
    server.seed(
      podObject({
        namespace: 'kube-system',
        name: 'etcd-node-1',
        nodeName: 'node-1',
        owners: [{ kind: 'Node', name: 'node-1' }],
      }),
    );
    const placement = placementWith();

    const placed = await placement.place({
      namespace: 'kube-system',
      podName: 'etcd-node-1',
      containerName: 'etcd',
    });

    expect(placed.workload).toEqual({ kind: 'StaticPod', name: 'etcd-node-1', namespace: 'kube-system' });
    expect(attributes(placed.resourceAttributes)).toMatchObject({
      'odigos.workload.kind': ['StaticPod'],
      'odigos.workload.name': ['etcd-node-1'],
    });
  });

  it('adds odigos.workload.kind and name for a DeploymentConfig, besides k8s.deployment.name', async () => {
    server.seed(
      podObject({
        namespace: 'legacy',
        name: 'billing-3-x7k2p',
        nodeName: 'node-1',
        owners: [{ kind: 'ReplicationController', name: 'billing-3', controller: true }],
      }),
    );
    const placement = placementWith();

    const placed = await placement.place({
      namespace: 'legacy',
      podName: 'billing-3-x7k2p',
      containerName: 'app',
    });

    expect(attributes(placed.resourceAttributes)).toMatchObject({
      'k8s.deployment.name': ['billing'],
      'odigos.workload.kind': ['DeploymentConfig'],
      'odigos.workload.name': ['billing'],
    });
  });

  it('adds odigos.workload.kind and name for an owner kind nobody knows', async () => {
    server.seed(
      podObject({
        namespace: 'batch',
        name: 'crunch-abc',
        nodeName: 'node-1',
        owners: [{ kind: 'SparkApplication', name: 'crunch', controller: true }],
      }),
    );
    const placement = placementWith();

    const placed = await placement.place({
      namespace: 'batch',
      podName: 'crunch-abc',
      containerName: 'driver',
    });

    expect(placed.serviceName).toBe('crunch');
    expect(attributes(placed.resourceAttributes)).toEqual({
      'k8s.node.name': ['node-1'],
      'k8s.namespace.name': ['batch'],
      'service.name': ['crunch'],
      'k8s.pod.name': ['crunch-abc'],
      'k8s.container.name': ['driver'],
      'odigos.workload.kind': ['SparkApplication'],
      'odigos.workload.name': ['crunch'],
    });
  });

  it('follows a service name change made through the watch on the next placement', async () => {
    const placement = placementWith();
    const location = { namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' };
    await placement.place(location);

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

    await expect(placement.place(location)).resolves.toMatchObject({ serviceName: 'shopfront' });
  });

  it('waits for the first InstrumentationConfig list after start-up rather than guess the service name', async () => {
    server.faults.setLatency(150, (r) => r.verb === 'list');
    const placement = placementWith();

    const placed = await placement.place({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' });

    expect(placed.serviceName).toBe('storefront');
  });

  it('answers within about the pod deadline when the API server hangs, even before the first list', async () => {
    server.faults.setLatency(3_000);
    const placement = placementWith({ deadlineMs: 100 });
    const started = Date.now();

    await expect(
      placement.place({ namespace: 'shop', podName: FRONTEND_POD, containerName: 'app' }),
    ).rejects.toBeInstanceOf(KubernetesUnavailableError);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('places the container a kubelet instrumentation device is allocated to', async () => {
    const placement = placementWith();

    const placed = await placement.placeDevice('dev-1');

    expect(placed).toMatchObject({
      containerName: 'app',
      workload: { kind: 'Deployment', name: 'frontend' },
      serviceName: 'storefront',
    });
  });

  it('fails with DeviceNotFoundError for a device the kubelet does not list, or lists under another resource', async () => {
    const placement = placementWith();

    await expect(placement.placeDevice('dev-404')).rejects.toBeInstanceOf(DeviceNotFoundError);
    await expect(placement.placeDevice('gpu-0')).rejects.toBeInstanceOf(DeviceNotFoundError);
  });
});
