/**
 * Fake Kubernetes API server for tests that drive the real `@kubernetes/client-node`:
 *
 * ```ts
 * const server = await FakeKubeApiServer.start();
 * const core = server.kubeConfig().makeApiClient(CoreV1Api);
 * server.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } });
 * server.faults.failNext(1, { status: 500 });
 * // ... exercise the code under test, then assert on server.get(...) / server.requests
 * await server.close();
 * ```
 *
 * Stop informers and watches before `close()`: client-node does not retry a refused reconnect.
 */
export { FAKE_SERVER_VERSION } from './discovery.js';
export {
  FakeKubeApiServer,
  FakeKubeApiServerError,
  type FakeKubeApiServerOptions,
} from './fake-kube-apiserver.js';
export { FaultInjector, type FaultSpec, type OutageMode, type OutageOptions } from './faults.js';
export { type KubeObject, type ObjectMeta, type SeedObject, type StoredObject } from './kube-object.js';
export {
  createKubeConfig,
  DEFAULT_FAKE_TOKEN,
  type FakeKubeConfigOptions,
  type KubeConfigFile,
  kubeConfigDocument,
  writeKubeConfigFile,
} from './kubeconfig.js';
export { compileLabelSelector, LabelSelectorError, parseLabelSelector } from './label-selector.js';
export { ObjectStore, type StoreEvent } from './object-store.js';
export { applyJsonPatch, applyMergePatch, PatchError } from './patch.js';
export { type KubeVerb, type RequestInfo, type RequestMatcher } from './request-info.js';
export { type RecordedRequest, RequestLog } from './request-log.js';
export { type Selectors } from './resource-handler.js';
export {
  BUILTIN_RESOURCES,
  ResourceRegistry,
  type ResourceType,
  UnknownResourceError,
} from './resource-registry.js';
export { KubeApiError, type KubeStatus } from './status.js';
