import {
  CoreV1Api,
  FetchError,
  type KubeConfig,
  type KubernetesObject,
  makeInformer,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeKubeApiServer } from './index.js';
import { apiError, rejection, statusOf, waitFor } from './spec-helpers.js';

function pod(name: string): V1Pod {
  return { metadata: { name }, spec: { containers: [{ name: 'app', image: 'busybox' }] } };
}

async function elapsed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

describe('FakeKubeApiServer fault injection', () => {
  let server: FakeKubeApiServer;
  let kc: KubeConfig;
  let core: CoreV1Api;

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    kc = server.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    await server.close();
  });

  describe('failNext', () => {
    it('fails the next request with 500 InternalError, then recovers', async () => {
      server.faults.failNext(1, { status: 500 });

      const error = await apiError(core.listNamespacedPod({ namespace: 'default' }));
      const list = await core.listNamespacedPod({ namespace: 'default' });

      expect(error.code).toBe(500);
      expect(statusOf(error)).toMatchObject({ reason: 'InternalError', code: 500, status: 'Failure' });
      expect(list.items).toEqual([]);
    });

    it('counts only requests accepted by the match predicate', async () => {
      server.faults.failNext(2, { status: 503, match: (r) => r.verb === 'create' && r.resource === 'pods' });

      await core.listNamespacedPod({ namespace: 'default' });
      const first = await apiError(core.createNamespacedPod({ namespace: 'default', body: pod('p') }));
      const second = await apiError(core.createNamespacedPod({ namespace: 'default', body: pod('p') }));
      await core.createNamespacedPod({ namespace: 'default', body: pod('p') });

      expect([first.code, second.code]).toEqual([503, 503]);
      expect(server.get('', 'v1', 'pods', 'default', 'p')).toBeDefined();
    });

    it('sends Retry-After for throttling faults', async () => {
      server.faults.failNext(1, { status: 429, retryAfterSeconds: 2 });

      const error = await apiError(core.listNamespacedPod({ namespace: 'default' }));

      expect(error.code).toBe(429);
      expect(error.headers['retry-after']).toBe('2');
      expect(statusOf(error)).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } });
    });

    it('can reset the connection instead of answering', async () => {
      server.faults.failNext(1, { reset: true });

      const error = await rejection(core.listNamespacedPod({ namespace: 'default' }));

      expect(error).toBeInstanceOf(FetchError);
      expect(error).toMatchObject({ code: 'ECONNRESET' });
      await expect(core.listNamespacedPod({ namespace: 'default' })).resolves.toBeDefined();
    });
  });

  describe('latency', () => {
    it('delays every request by the configured latency', async () => {
      server.faults.setLatency(40);

      const took = await elapsed(() => core.listNamespacedPod({ namespace: 'default' }));

      expect(took).toBeGreaterThanOrEqual(38);
    });

    it('stops delaying new requests once latency is set back to 0', async () => {
      server.faults.setLatency(200);
      const slow = core.listNamespacedPod({ namespace: 'default' }).then(() => 'slow');
      await waitFor(() => server.requests.length === 1);

      server.faults.setLatency(0);
      const fast = core.listNamespacedPod({ namespace: 'default' }).then(() => 'fast');

      expect(await Promise.race([slow, fast])).toBe('fast');
      await slow;
    });

    it('delays only matching requests when given a predicate', async () => {
      server.faults.setLatency(200, (r) => r.verb === 'create');
      const started = performance.now();
      const create = core.createNamespacedPod({ namespace: 'default', body: pod('p') }).then(() => 'create');
      await waitFor(() => server.requests.length === 1);

      const list = core.listNamespacedPod({ namespace: 'default' }).then(() => 'list');

      expect(await Promise.race([create, list])).toBe('list');
      await create;
      expect(performance.now() - started).toBeGreaterThanOrEqual(198);
    });

    it('lets close() finish promptly while a request is being delayed', async () => {
      const other = await FakeKubeApiServer.start();
      other.faults.setLatency(5_000);
      const pending = rejection(other.kubeConfig().makeApiClient(CoreV1Api).listPodForAllNamespaces());
      await waitFor(() => other.requests.length === 1);

      const took = await elapsed(() => other.close());

      expect(took).toBeLessThan(1000);
      expect(await pending).toBeInstanceOf(FetchError);
    });
  });

  describe('outage', () => {
    it("resets connections in 'reset' mode (a network error for the client), then recovers", async () => {
      server.faults.outage(true);

      const error = await rejection(core.listNamespacedPod({ namespace: 'default' }));
      server.faults.outage(false);
      const list = await core.listNamespacedPod({ namespace: 'default' });

      expect(error).toBeInstanceOf(FetchError);
      expect(error).toMatchObject({ code: 'ECONNRESET' });
      expect(list.items).toEqual([]);
    });

    it("answers 503 ServiceUnavailable in 'unavailable' mode, then recovers", async () => {
      server.faults.outage(true, { mode: 'unavailable' });

      const error = await apiError(core.createNamespacedPod({ namespace: 'default', body: pod('p') }));
      server.faults.outage(false);
      await core.createNamespacedPod({ namespace: 'default', body: pod('p') });

      expect(error.code).toBe(503);
      expect(statusOf(error).reason).toBe('ServiceUnavailable');
      expect(server.get('', 'v1', 'pods', 'default', 'p')).toBeDefined();
    });

    it('cuts open watches when it starts; an informer reports the error and can be restarted after', async () => {
      const errors: unknown[] = [];
      const seen: string[] = [];
      const informer = makeInformer(kc, '/api/v1/namespaces/default/pods', () =>
        core.listNamespacedPod({ namespace: 'default' }),
      );
      informer.on('error', (e) => errors.push(e));
      informer.on('add', (p) => seen.push(p.metadata?.name ?? ''));
      await informer.start();
      try {
        await waitFor(() => server.openWatches === 1);

        server.faults.outage(true);
        await waitFor(() => errors.length > 0);
        server.faults.outage(false);
        await informer.start();
        await waitFor(() => server.openWatches === 1);
        await core.createNamespacedPod({ namespace: 'default', body: pod('after-outage') });
        await waitFor(() => seen.length === 1);

        expect(seen).toEqual(['after-outage']);
      } finally {
        await informer.stop();
      }
    });

    it('can be scoped to some requests with a predicate', async () => {
      server.faults.outage(true, {
        mode: 'unavailable',
        match: (r) => r.resource === 'pods' && r.verb === 'watch',
      });
      let doneError: unknown;
      await new Watch(kc).watch(
        '/api/v1/pods',
        {},
        (_type: string, _obj: KubernetesObject) => {},
        (e: unknown) => {
          doneError = e;
        },
      );

      await expect(core.listPodForAllNamespaces()).resolves.toBeDefined();
      expect(doneError).toMatchObject({ statusCode: 503 });
    });
  });

  it('logs failed requests too', async () => {
    server.faults.failNext(1);

    await apiError(core.readNamespacedPod({ namespace: 'default', name: 'x' }));

    expect(server.requests.map((r) => [r.method, r.path, r.verb])).toEqual([
      ['GET', '/api/v1/namespaces/default/pods/x', 'get'],
    ]);
  });
});
