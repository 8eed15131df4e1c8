import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import {
  AgentEnricher,
  ENRICHMENT_OPTIONS,
  NodePodWatch,
  EnrichmentModule,
  type EnrichmentOptions,
  InstrumentationConfigCache,
  KubernetesUnavailableError,
} from '../../../src/modules/enrichment/index.js';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import { eventually } from '../../support/eventually.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { FakeKubeletPodResourcesServer } from '../../support/fake-kubelet/fake-kubelet-pod-resources.server.js';
import { fakePod } from '../../support/fake-kubelet/fake-pods.js';
import { instrumentationConfigObject, podObject } from './kube-objects.js';
import { type LoggedLine, recordNestLogs } from './recording-logger.js';

const OPTIONS: EnrichmentOptions = {
  podMetadata: { deadlineMs: 1_000 },
  instrumentationConfigs: {
    backoffInitialMs: 5,
    backoffMaxMs: 40,
    listTimeoutMs: 1_000,
    watchOpenTimeoutMs: 1_000,
  },
  kubelet: { minRebuildIntervalMs: 0, timeoutMs: 1_000 },
};

describe('EnrichmentModule', () => {
  let server: FakeKubeApiServer;
  let kubelet: FakeKubeletPodResourcesServer;
  let moduleRef: TestingModule | undefined;
  let logs: LoggedLine[];

  const compile = async (
    override: (builder: ReturnType<typeof Test.createTestingModule>) => void,
  ): Promise<TestingModule> => {
    const builder = Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({
          env: { NODE_NAME: 'node-1', KUBELET_POD_RESOURCES_SOCKET: kubelet.socketPath },
        }),
        EnrichmentModule,
      ],
    });
    override(builder);
    moduleRef = await builder.compile();
    logs = recordNestLogs();
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
    server.seed(
      instrumentationConfigObject('shop', 'deployment-cart', { serviceName: 'cart-svc', containers: [] }),
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

  it("watches InstrumentationConfigs and the node's pods from bootstrap to shutdown and places agents from them", async () => {
    const app = await compile((builder) => {
      builder.overrideProvider(KUBE_CONFIG).useValue(server.kubeConfig());
      builder.overrideProvider(ENRICHMENT_OPTIONS).useValue(OPTIONS);
    });
    expect(server.openWatches).toBe(0);

    await app.init();
    await eventually(
      () =>
        app.get(InstrumentationConfigCache).ready && app.get(NodePodWatch).ready && server.openWatches === 2,
      2_000,
      'watches',
    );
    const located = await app.get(AgentEnricher).locate({
      namespace: 'shop',
      podName: 'cart-7c9d8-z9x8c',
      containerName: 'app',
    });
    await app.close();
    moduleRef = undefined;

    expect(located).toMatchObject({
      workload: { kind: 'Deployment', name: 'cart' },
      serviceName: 'cart-svc',
    });
    expect(server.requests.filter((r) => r.resource === 'pods' && r.verb === 'get')).toEqual([]);
    await eventually(() => server.openWatches === 0, 1_000, 'watch closed at shutdown');
  });

  it('opens the kubelet socket only on the first device lookup', async () => {
    const app = await compile((builder) => {
      builder.overrideProvider(KUBE_CONFIG).useValue(server.kubeConfig());
      builder.overrideProvider(ENRICHMENT_OPTIONS).useValue(OPTIONS);
    });
    await app.init();
    await app
      .get(AgentEnricher)
      .locate({ namespace: 'shop', podName: 'cart-7c9d8-z9x8c', containerName: 'app' });

    expect(kubelet.listCalls).toBe(0);
    await expect(app.get(AgentEnricher).locateDevice('dev-7')).resolves.toMatchObject({
      containerName: 'app',
      serviceName: 'cart-svc',
    });
    expect(kubelet.listCalls).toBe(1);
  });

  it('starts without a Kubernetes configuration, with an inert watch and pod reads that say why they fail', async () => {
    const app = await compile((builder) => {
      builder.overrideProvider(KUBE_CONFIG).useFactory({ factory: () => undefined });
    });

    await app.init();

    expect(app.get(InstrumentationConfigCache).ready).toBe(true);
    expect(logs.filter((line) => line.text.includes('InstrumentationConfigs are not watched'))).toHaveLength(
      1,
    );
    const error = await app
      .get(AgentEnricher)
      .locate({ namespace: 'shop', podName: 'cart-7c9d8-z9x8c', containerName: 'app' })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(KubernetesUnavailableError);
    expect(error).toMatchObject({ reason: 'not-configured' });
    expect(server.requests).toHaveLength(0);
  });
});
