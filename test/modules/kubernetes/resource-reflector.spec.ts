import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  type KubernetesError,
  KubernetesRequestError,
  KubernetesUnavailableError,
  type ReflectorHandler,
  ResourceReflector,
  type ResourceReflectorOptions,
} from '../../../src/modules/kubernetes/index.js';
import { eventually } from '../../support/eventually.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';

const NAMESPACE = 'observability';
const SELECTOR = 'team=a';

const configMap = (name: string, labels: Record<string, string> = { team: 'a' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NAMESPACE, labels },
  data: { key: name },
});

const nameOf = (object: unknown): string =>
  (object as { metadata?: { name?: string } }).metadata?.name ?? '<no name>';

/** Everything a reflector told its handler. */
class RecordingHandler implements ReflectorHandler {
  readonly lists: string[][] = [];
  readonly changes: string[] = [];
  readonly failures: { error: KubernetesError; consecutive: number; retryInMs: number }[] = [];
  readonly recoveries: number[] = [];

  replace(objects: readonly unknown[]): void {
    this.lists.push(objects.map(nameOf).sort());
  }
  apply(type: string, object: unknown): void {
    this.changes.push(`${type} ${nameOf(object)}`);
  }
  failed(error: KubernetesError, consecutive: number, retryInMs: number): void {
    this.failures.push({ error, consecutive, retryInMs });
  }
  recovered(failures: number): void {
    this.recoveries.push(failures);
  }
}

describe('ResourceReflector', () => {
  let server: FakeKubeApiServer;
  let handler: RecordingHandler;
  let reflector: ResourceReflector;

  const requests = (verb: 'list' | 'watch') =>
    server.requests.filter((r) => r.resource === 'configmaps' && r.verb === verb);
  const start = (timing: Partial<ResourceReflectorOptions> = {}): void => {
    const kubeConfig = server.kubeConfig();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    reflector = new ResourceReflector({
      kubeConfig,
      resource: `configmaps in ${NAMESPACE}`,
      path: `/api/v1/namespaces/${NAMESPACE}/configmaps`,
      query: { labelSelector: SELECTOR },
      list: (options) =>
        core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: SELECTOR }, options),
      handler,
      backoffInitialMs: 5,
      backoffMaxMs: 20,
      listTimeoutMs: 1_000,
      watchOpenTimeoutMs: 1_000,
      ...timing,
    });
    reflector.start();
  };
  const started = async (timing: Partial<ResourceReflectorOptions> = {}): Promise<void> => {
    start(timing);
    await eventually(() => handler.lists.length === 1 && server.openWatches === 1, 2_000, 'list and watch');
  };

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    handler = new RecordingHandler();
    server.seed(configMap('a'));
    server.seed(configMap('unlabelled', {}));
  });

  afterEach(async () => {
    await reflector.stop();
    server.faults.reset();
    await server.close();
  });

  it("lists, then watches from the list's resourceVersion, with the same selector, and streams changes", async () => {
    const listedAt = server.resourceVersion;
    await started();

    expect(handler.lists).toEqual([['a']]);
    expect(requests('list').map((r) => r.query.labelSelector)).toEqual([SELECTOR]);
    expect(requests('watch').map((r) => [r.query.labelSelector, r.query.resourceVersion])).toEqual([
      [SELECTOR, listedAt],
    ]);
    server.seed(configMap('b'));
    server.seed(configMap('other', { team: 'b' }));
    server.remove('', 'v1', 'configmaps', NAMESPACE, 'a');
    await eventually(() => handler.changes.length === 2, 2_000, 'two changes');
    expect(handler.changes).toEqual(['ADDED b', 'DELETED a']);
  });

  it('watches again from the last version seen when the server ends the watch, without relisting', async () => {
    await started();
    server.seed(configMap('b'));
    await eventually(() => handler.changes.length === 1, 2_000, 'change');
    const lastSeen = server.resourceVersion;

    server.endWatches();
    await eventually(() => requests('watch').length === 2 && server.openWatches === 1, 2_000, 'rewatch');
    server.seed(configMap('c'));
    await eventually(() => handler.changes.length === 2, 2_000, 'change after the rewatch');

    expect(requests('watch')[1]?.query.resourceVersion).toBe(lastSeen);
    expect(requests('list')).toHaveLength(1);
    expect(handler.changes).toEqual(['ADDED b', 'ADDED c']);
    expect(handler.failures).toEqual([]);
  });

  it('relists when its version has expired (410 Gone); the new list shows what was deleted meanwhile', async () => {
    await started();

    server.faults.outage(true, { mode: 'unavailable' });
    await eventually(() => handler.failures.length >= 2, 2_000, 'failed rewatches');
    server.remove('', 'v1', 'configmaps', NAMESPACE, 'a');
    server.compactHistory();
    server.faults.outage(false);
    await eventually(() => handler.lists.length === 2 && server.openWatches === 1, 2_000, 'relist');

    expect(handler.lists).toEqual([['a'], []]);
    expect(handler.changes).toEqual([]);
    const first = handler.failures[0];
    expect(first?.error).toBeInstanceOf(KubernetesUnavailableError);
    expect(first?.error).toMatchObject({
      reason: 'server-error',
      status: 503,
      operation: `watch configmaps in ${NAMESPACE}`,
    });
    expect(handler.failures.map((f) => f.consecutive).slice(0, 2)).toEqual([1, 2]);
    expect(handler.recoveries).toEqual([handler.failures.length]);
  });

  it('retries a failing list after growing delays capped at backoffMaxMs, then says it recovered', async () => {
    server.faults.failNext(4, { status: 500, match: (r) => r.verb === 'list' });
    await started();

    expect(handler.failures.map((f) => f.consecutive)).toEqual([1, 2, 3, 4]);
    const ceilings = [5, 10, 20, 20];
    handler.failures.forEach((failure, i) => {
      expect(failure.retryInMs).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(failure.retryInMs).toBeLessThanOrEqual(ceilings[i]!);
      expect(failure.error).toMatchObject({
        reason: 'server-error',
        operation: `list configmaps in ${NAMESPACE}`,
      });
    });
    expect(handler.recoveries).toEqual([4]);
    expect(requests('list')).toHaveLength(5);
  });

  it('reports a refused watch with its status, and watches again', async () => {
    server.faults.failNext(1, { status: 403, match: (r) => r.verb === 'watch' });
    start();
    // The server counts the watch before the client has read its answer (when the reflector says it recovered).
    await eventually(
      () => server.openWatches === 1 && handler.recoveries.length > 0,
      2_000,
      'watch open after the refusal',
    );

    expect(handler.failures).toHaveLength(1);
    expect(handler.failures[0]?.error).toBeInstanceOf(KubernetesRequestError);
    expect(handler.failures[0]?.error).toMatchObject({
      status: 403,
      operation: `watch configmaps in ${NAMESPACE}`,
    });
    expect(handler.recoveries).toEqual([1]);
  });

  it('stop() aborts a list under way at once, and reports nothing', async () => {
    server.faults.setLatency(2_000, (r) => r.verb === 'list');
    start();
    await eventually(() => requests('list').length === 1, 2_000, 'list sent');

    const stopping = Date.now();
    await reflector.stop();

    expect(Date.now() - stopping).toBeLessThan(500);
    expect(handler.lists).toEqual([]);
    expect(handler.failures).toEqual([]);
  });

  it('stop() ends a watch request the server has not answered yet', async () => {
    server.faults.setLatency(2_000, (r) => r.verb === 'watch');
    start();
    await eventually(() => requests('watch').length === 1, 2_000, 'watch sent');

    const stopping = Date.now();
    await reflector.stop();

    expect(Date.now() - stopping).toBeLessThan(500);
    expect(handler.failures).toEqual([]);
  });

  it('stop() closes the open watch; start() lists and watches again', async () => {
    await started();

    await reflector.stop();
    await eventually(() => server.openWatches === 0, 2_000, 'watch closed');
    server.seed(configMap('b'));
    reflector.start();
    await eventually(() => handler.lists.length === 2 && server.openWatches === 1, 2_000, 'restarted');

    expect(handler.lists).toEqual([['a'], ['a', 'b']]);
    expect(handler.changes).toEqual([]);
  });
});
