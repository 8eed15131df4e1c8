import {
  type FakeKubeApiServer,
  type RecordedRequest,
  type StoredObject,
} from '../../../../support/fake-kube-apiserver/index.js';

const GROUP = 'odigos.io';
const VERSION = 'v1alpha1';
const PLURAL = 'instrumentationinstances';
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** InstrumentationInstances on the fake server, optionally in one namespace / matching a label selector. */
export function instances(
  server: FakeKubeApiServer,
  namespace?: string,
  labelSelector?: string,
): StoredObject[] {
  return server.list(GROUP, VERSION, PLURAL, namespace, labelSelector ? { labelSelector } : {});
}

/** Removes every InstrumentationInstance, so each test of a shared fake API server starts from none. */
export function removeInstances(server: FakeKubeApiServer): void {
  for (const object of instances(server)) {
    server.remove(GROUP, VERSION, PLURAL, object.metadata.namespace, object.metadata.name);
  }
}

/** One InstrumentationInstance. */
export function instance(
  server: FakeKubeApiServer,
  namespace: string,
  name: string,
): StoredObject | undefined {
  return server.get(GROUP, VERSION, PLURAL, namespace, name);
}

/** Writes (create, update, patch, delete) to InstrumentationInstances received so far. */
export function instanceWrites(server: FakeKubeApiServer): RecordedRequest[] {
  return server.requests.filter(
    (r) => r.resource === PLURAL && r.verb !== undefined && WRITE_VERBS.has(r.verb),
  );
}

/** Every request to InstrumentationInstances and pods received so far. */
export function apiCalls(server: FakeKubeApiServer): RecordedRequest[] {
  return server.requests.filter((r) => r.resource === PLURAL || r.resource === 'pods');
}

/** Seeds a running pod. */
export function seedPod(
  server: FakeKubeApiServer,
  namespace: string,
  name: string,
  uid = `uid-${name}`,
): StoredObject {
  return server.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid } });
}

/** Seeds an InstrumentationInstance as odiglet's eBPF path would write it (no opamp-nest label). */
export function seedOdigletInstance(
  server: FakeKubeApiServer,
  namespace: string,
  podName: string,
  pid: number,
): StoredObject {
  return server.seed({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'InstrumentationInstance',
    metadata: {
      name: `${podName}-${pid}`,
      namespace,
      labels: { 'instrumented-app': 'deployment-frontend', ownerPodName: podName },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          name: podName,
          uid: `uid-${podName}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { containerName: 'go-app' },
    status: {
      healthy: true,
      reason: 'LoadedSuccessfully',
      lastStatusTime: '2026-01-01T00:00:00Z',
      identifyingAttributes: [{ key: 'process.pid', value: String(pid) }],
    },
  } as Parameters<FakeKubeApiServer['seed']>[0]);
}
