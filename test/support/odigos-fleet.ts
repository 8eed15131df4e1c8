import { type AgentDescription, type ComponentHealth } from '../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';
import { type FakeKubeApiServer, type StoredObject } from './fake-kube-apiserver/index.js';
import { attr } from './opamp-messages.js';

/** Where the Odigos-style agents of a test run: one Deployment's pod. */
export const FLEET = {
  namespace: 'shop',
  pod: 'frontend-7d4f9c-x2x9k',
  podUid: '5f1d7a52-2b51-4d7e-9d47-0f5c7b1e3a10',
  container: 'app',
} as const;

/** Seeds the pod (owned by a Deployment's ReplicaSet) and its InstrumentationConfig. */
export function seedFleet(api: FakeKubeApiServer): void {
  api.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: FLEET.pod,
      namespace: FLEET.namespace,
      uid: FLEET.podUid,
      labels: { 'pod-template-hash': '7d4f9c' },
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
    spec: { nodeName: 'node-1', containers: [{ name: FLEET.container, image: 'frontend:1' }] },
  });
  api.seed({
    apiVersion: 'odigos.io/v1alpha1',
    kind: 'InstrumentationConfig',
    metadata: { name: 'deployment-frontend', namespace: FLEET.namespace, generation: 1 },
    spec: { serviceName: 'frontend', containers: [{ containerName: FLEET.container, agentEnabled: true }] },
  });
}

/** Server environment: the odigos plugin (agents identified by their attributes) and Kubernetes persistence. */
export const odigosEnv = (kubeconfig: string): Record<string, string> => ({
  KUBECONFIG: kubeconfig,
  PLUGINS: 'odigos',
  ODIGOS_IDENTITY: 'attributes',
  PERSISTENCE: 'kubernetes',
  CONFIG_STORE: 'memory',
  NODE_NAME: 'node-1',
});

const intAttr = (key: string, value: number): KeyValue => ({
  key,
  value: { value: { $case: 'intValue', value: BigInt(value) } },
});

/** The description an Odigos Node.js agent with process id `pid` sends. */
export const fleetDescription = (pid: number): AgentDescription => ({
  identifyingAttributes: [
    attr('telemetry.sdk.language', 'nodejs'),
    attr('k8s.namespace.name', FLEET.namespace),
    attr('k8s.pod.name', FLEET.pod),
    attr('k8s.container.name', FLEET.container),
    intAttr('process.vpid', pid),
  ],
  nonIdentifyingAttributes: [],
});

/** A top-level health with this status. */
export const fleetHealth = (status: string, healthy = true): ComponentHealth => ({
  healthy,
  startTimeUnixNano: 0n,
  lastError: healthy ? '' : status,
  status,
  statusTimeUnixNano: 0n,
  componentHealthMap: {},
  attributes: [],
});

/** The InstrumentationInstance of process `pid`, if stored. */
export const fleetRecord = (api: FakeKubeApiServer, pid: number): StoredObject | undefined =>
  api.get('odigos.io', 'v1alpha1', 'instrumentationinstances', FLEET.namespace, `${FLEET.pod}-${pid}`);
