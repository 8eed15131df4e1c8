import { FakeKubeApiServer, type KubeConfigFile } from '../../test/support/fake-kube-apiserver/index.js';
import { ODIGOS_LAYOUT } from './simulated-agent.js';

const WORKLOAD = 'bench-app';
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Kubernetes API requests to InstrumentationInstances (and pod reads), by verb. */
export type VerbCounts = Record<string, number>;

/**
 * The fake Kubernetes API server (from `test/support`), running inside the bench process, seeded with the
 * pods Odigos-flavoured agents report (`bench-app-<k>` in namespace `bench`, one StatefulSet) and the
 * workload's InstrumentationConfig.
 */
export class FakeCluster {
  private constructor(
    readonly api: FakeKubeApiServer,
    readonly kubeconfig: KubeConfigFile,
  ) {}

  /** `recordRequests: false` for a long run that never counts requests (see `FakeKubeApiServerOptions`). */
  static async start(agents: number, { recordRequests = true } = {}): Promise<FakeCluster> {
    const api = await FakeKubeApiServer.start({ recordRequests });
    const pods = Math.ceil(agents / ODIGOS_LAYOUT.perPod);
    for (let k = 0; k < pods; k++) {
      api.seed({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${WORKLOAD}-${k}`,
          namespace: ODIGOS_LAYOUT.namespace,
          uid: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
          labels: { app: WORKLOAD },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'StatefulSet', name: WORKLOAD, uid: 'sts-uid', controller: true },
          ],
        },
        spec: { nodeName: 'bench-node', containers: [{ name: ODIGOS_LAYOUT.container, image: 'app:1' }] },
      });
    }
    api.seed({
      apiVersion: 'odigos.io/v1alpha1',
      kind: 'InstrumentationConfig',
      metadata: { name: `statefulset-${WORKLOAD}`, namespace: ODIGOS_LAYOUT.namespace, generation: 1 },
      spec: {
        serviceName: WORKLOAD,
        containers: [{ containerName: ODIGOS_LAYOUT.container, agentEnabled: true, traces: {} }],
      },
    });
    return new FakeCluster(api, await api.writeKubeConfig());
  }

  /** Server environment for the odigos plugin with enrichment (and, optionally, Kubernetes persistence). */
  serverEnv(persistence: 'memory' | 'kubernetes'): Record<string, string> {
    return {
      KUBECONFIG: this.kubeconfig.path,
      PLUGINS: 'odigos',
      ODIGOS_IDENTITY: 'attributes',
      PERSISTENCE: persistence,
      CONFIG_STORE: 'memory',
      NODE_NAME: 'bench-node',
      POD_NAMESPACE: 'opamp-system',
    };
  }

  /** InstrumentationInstance requests by verb (`create`, `update`, `delete`, `list`, `get`) since `from`. */
  instanceRequests(from = 0): VerbCounts {
    const counts: VerbCounts = {};
    for (const request of this.api.requests.slice(from)) {
      if (request.resource !== 'instrumentationinstances' || !request.verb) continue;
      const key = request.subresource ? `${request.verb}/${request.subresource}` : request.verb;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** Writes among {@link instanceRequests}. */
  static writes(counts: VerbCounts): number {
    return Object.entries(counts)
      .filter(([verb]) => WRITE_VERBS.has(verb.split('/')[0]!))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  /** How many requests the API server has seen. */
  get requestCount(): number {
    return this.api.requests.length;
  }

  /** InstrumentationInstances stored now. */
  instances(): number {
    return this.api.list('odigos.io', 'v1alpha1', 'instrumentationinstances').length;
  }

  async close(): Promise<void> {
    await this.api.close();
    await this.kubeconfig.dispose();
  }
}
