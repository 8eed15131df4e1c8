import { type V1OwnerReference, type V1Pod } from '@kubernetes/client-node';

/** What a test says about a pod; everything else gets a realistic filler. */
export interface TestPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly nodeName?: string;
  readonly labels?: Record<string, string>;
  readonly owners?: readonly Pick<V1OwnerReference, 'kind' | 'name' | 'controller'>[];
  readonly containers?: readonly string[];
}

/** A Pod as the API server stores it, with the bulky fields Odigos found costly (env, volumes, status). */
export function podObject(pod: TestPod): V1Pod & { apiVersion: string; kind: string } {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid ?? `uid-${pod.name}`,
      labels: { app: pod.name, ...pod.labels },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(2_000) },
      ownerReferences: (pod.owners ?? []).map((owner, index) => ({
        apiVersion: 'apps/v1',
        kind: owner.kind,
        name: owner.name,
        uid: `owner-uid-${index}`,
        ...(owner.controller !== undefined ? { controller: owner.controller } : {}),
      })),
    },
    spec: {
      ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
      containers: (pod.containers ?? ['app']).map((name) => ({
        name,
        image: `registry.example/${name}:1`,
        env: [{ name: 'OTEL_SERVICE_NAME', value: name }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      })),
      volumes: [{ name: 'data', emptyDir: {} }],
    },
    status: { phase: 'Running', podIP: '10.0.0.7', containerStatuses: [] },
  };
}

/** An InstrumentationConfig custom resource with a status the cache must drop. */
export function instrumentationConfigObject(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
} {
  return {
    apiVersion: 'odigos.io/v1alpha1',
    kind: 'InstrumentationConfig',
    metadata: { name, namespace },
    spec,
    status: { runtimeDetailsByContainer: [{ containerName: 'app', language: 'javascript' }] },
  };
}
