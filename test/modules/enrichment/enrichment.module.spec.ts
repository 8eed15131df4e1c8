import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import {
  AgentEnricher,
  DevicePodResolver,
  ENRICHMENT_OPTIONS,
  EnrichmentModule,
  type EnrichmentOptions,
  KubeletPodResourcesClient,
  KubernetesUnavailableError,
  NodePodWatch,
} from '../../../src/modules/enrichment/index.js';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import { InstrumentationConfigCache } from '../../../src/plugins/odigos/instrumentation-config/instrumentation-config.cache.js';
import { eventually } from '../../support/eventually.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { FakeKubeletPodResourcesServer } from '../../support/fake-kubelet/fake-kubelet-pod-resources.server.js';
import { fakePod } from '../../support/fake-kubelet/fake-pods.js';
import { podObject } from './kube-objects.js';
import { recordNestLogs } from './recording-logger.js';

const FAST_WATCH = { backoffInitialMs: 5, backoffMaxMs: 40, listTimeoutMs: 1_000, watchOpenTimeoutMs: 1_000 };

describe('EnrichmentModule', () => {
  let server: FakeKubeApiServer;
  let kubelet: FakeKubeletPodResourcesServer;
  let moduleRef: TestingModule | undefined;

  const options = (): EnrichmentOptions => ({
    nodeName: 'node-1',
    watchNodePods: true,
    podMetadata: { deadlineMs: 1_000 },
    nodePods: FAST_WATCH,
    kubelet: { socketPath: kubelet.socketPath, timeoutMs: 1_000 },
  });

  const compile = async (
    override: (builder: ReturnType<typeof Test.createTestingModule>) => void,
    env: Record<string, string> = { NODE_NAME: 'node-1', KUBELET_POD_RESOURCES_SOCKET: kubelet.socketPath },
  ): Promise<TestingModule> => {
    const builder = Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env }), EnrichmentModule],
    });
    override(builder);
    moduleRef = await builder.compile();
    recordNestLogs();
    return moduleRef;
  };

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    server.seed(
      podObject({
        namespace: 'shop',
        name: 'cart-7c9d8-z9x8c',
        nodeName: 'node-1',
        labels: { 'pod-template-hash': '7c9d8' },
        owners: [{ kind: 'ReplicaSet', name: 'cart-7c9d8', controller: true }],
      }),
    );
    kubelet = await FakeKubeletPodResourcesServer.start([
      fakePod('shop', 'cart-7c9d8-z9x8c', [
        {
          name: 'app',
          devices: [{ resourceName: 'instrumentation.odigos.io/generic', deviceIds: ['dev-7'] }],
        },
      ]),
    ]);
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    kubelet.dispose();
    await server.close();
  });

  it('maps its options from the server settings', async () => {
    const app = await compile((builder) => builder.overrideProvider(KUBE_CONFIG).useValue(undefined), {
      NODE_NAME: 'node-9',
      WATCH_NODE_PODS: 'false',
      KUBELET_POD_RESOURCES_SOCKET: '/run/kubelet.sock',
    });

    expect(app.get<EnrichmentOptions>(ENRICHMENT_OPTIONS)).toEqual({
      nodeName: 'node-9',
      nodeLocal: true,
      watchNodePods: false,
      kubelet: { socketPath: '/run/kubelet.sock' },
    });
  });

  it("watches the node's pods from bootstrap to shutdown and places agents from them without reading pods", async () => {
    const app = await compile((builder) => {
      builder.overrideProvider(KUBE_CONFIG).useValue(server.kubeConfig());
      builder.overrideProvider(ENRICHMENT_OPTIONS).useValue(options());
    });
    expect(server.openWatches).toBe(0);

    await app.init();
    await eventually(() => app.get(NodePodWatch).ready && server.openWatches === 1, 2_000, 'watch');
    const placed = await app.get(AgentEnricher).locate({
      namespace: 'shop',
      podName: 'cart-7c9d8-z9x8c',
      containerName: 'app',
    });
    await app.close();
    moduleRef = undefined;

    expect(placed).toMatchObject({ workload: { kind: 'Deployment', name: 'cart' }, nodeName: 'node-1' });
    expect(server.requests.filter((r) => r.resource === 'pods' && r.verb === 'get')).toEqual([]);
    expect(server.requests.filter((r) => r.resource !== 'pods')).toEqual([]);
    await eventually(() => server.openWatches === 0, 1_000, 'watch closed at shutdown');
  });

  it('opens the kubelet socket only when the pod resources are first asked for', async () => {
    const app = await compile((builder) => {
      builder.overrideProvider(KUBE_CONFIG).useValue(server.kubeConfig());
      builder.overrideProvider(ENRICHMENT_OPTIONS).useValue(options());
    });
    await app.init();
    await app
      .get(AgentEnricher)
      .locate({ namespace: 'shop', podName: 'cart-7c9d8-z9x8c', containerName: 'app' });

    expect(kubelet.listCalls).toBe(0);
    const pods = await app.get(KubeletPodResourcesClient).list();
    expect(pods.map((pod) => pod.name)).toEqual(['cart-7c9d8-z9x8c']);
    expect(kubelet.listCalls).toBe(1);
  });

  it("provides no convention's resources: no InstrumentationConfig cache, no device resolver", async () => {
    const app = await compile((builder) => builder.overrideProvider(KUBE_CONFIG).useValue(undefined));

    expect(() => app.get(InstrumentationConfigCache, { strict: false })).toThrow();
    expect(() => app.get(DevicePodResolver, { strict: false })).toThrow();
  });

  it('starts without a Kubernetes configuration, with an inert watch and pod reads that say why they fail', async () => {
    const app = await compile((builder) => {
      builder.overrideProvider(KUBE_CONFIG).useFactory({ factory: () => undefined });
    });

    await app.init();

    expect(app.get(NodePodWatch).size).toBe(0);
    const error = await app
      .get(AgentEnricher)
      .locate({ namespace: 'shop', podName: 'cart-7c9d8-z9x8c', containerName: 'app' })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(KubernetesUnavailableError);
    expect(error).toMatchObject({ reason: 'not-configured' });
    expect(server.requests).toHaveLength(0);
  });
});
