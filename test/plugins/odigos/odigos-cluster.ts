import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { FakeKubeletPodResourcesServer } from '../../support/fake-kubelet/fake-kubelet-pod-resources.server.js';
import { fakePod } from '../../support/fake-kubelet/fake-pods.js';

export const NAMESPACE = 'shop';
export const POD = 'frontend-7d4f9c-x2x9k';
export const POD_UID = '5f1d7a52-2b51-4d7e-9d47-0f5c7b1e3a10';
export const CONTAINER = 'app';
export const DEVICE_ID = '8497ec75-8928-4e80-90e0-4f29642a0fea';

/** The container entry the InstrumentationConfig holds for the app, as Odigos writes it. */
export const containerConfig = (extra: Record<string, unknown> = {}) => ({
  containerName: CONTAINER,
  agentEnabled: true,
  otelDistroName: 'nodejs-community',
  traces: { headSampling: { fractionToRecord: 1 } },
  ...extra,
});

/** A fake cluster with one Deployment's pod, its InstrumentationConfig and a kubelet device allocation. */
export class OdigosCluster {
  private constructor(
    readonly api: FakeKubeApiServer,
    readonly kubelet: FakeKubeletPodResourcesServer,
  ) {}

  static async start(): Promise<OdigosCluster> {
    const api = await FakeKubeApiServer.start();
    const kubelet = await FakeKubeletPodResourcesServer.start([
      fakePod(NAMESPACE, POD, [
        {
          name: CONTAINER,
          devices: [{ resourceName: 'instrumentation.odigos.io/generic', deviceIds: [DEVICE_ID] }],
        },
      ]),
    ]);
    const cluster = new OdigosCluster(api, kubelet);
    cluster.seedWorkload();
    return cluster;
  }

  seedWorkload(): void {
    this.api.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: POD,
        namespace: NAMESPACE,
        uid: POD_UID,
        labels: { app: 'frontend', 'pod-template-hash': '7d4f9c' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'frontend-7d4f9c',
            uid: 'rs-uid',
            controller: true,
          },
        ],
      },
      spec: { nodeName: 'node-1', containers: [{ name: CONTAINER, image: 'frontend:1' }] },
    });
    this.setInstrumentationConfig([containerConfig()]);
  }

  setInstrumentationConfig(containers: unknown[], serviceName = 'frontend-svc'): void {
    const existing = this.api.get(
      'odigos.io',
      'v1alpha1',
      'instrumentationconfigs',
      NAMESPACE,
      'deployment-frontend',
    );
    this.api.seed({
      apiVersion: 'odigos.io/v1alpha1',
      kind: 'InstrumentationConfig',
      metadata: {
        name: 'deployment-frontend',
        namespace: NAMESPACE,
        generation: ((existing?.metadata.generation as number | undefined) ?? 0) + 1,
      },
      spec: { serviceName, containers },
    });
  }

  async close(): Promise<void> {
    this.kubelet.dispose();
    await this.api.close();
  }
}
