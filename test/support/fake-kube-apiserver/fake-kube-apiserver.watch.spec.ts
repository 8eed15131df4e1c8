import { request } from 'node:http';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeKubeApiServer } from './index.js';
import { waitFor } from './spec-helpers.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Seen {
  type: string;
  name: string;
  resourceVersion: string;
}

interface OpenedWatch {
  events: Seen[];
  done: { called: boolean; error: unknown };
  abort: () => void;
}

function pod(name: string, labels: Record<string, string> = {}, nodeName?: string): V1Pod {
  return {
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
  };
}

async function openWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string> = {},
): Promise<OpenedWatch> {
  const events: Seen[] = [];
  const done = { called: false, error: undefined as unknown };
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object: KubernetesObject) => {
      events.push({
        type,
        name: object.metadata?.name ?? '',
        resourceVersion: object.metadata?.resourceVersion ?? '',
      });
    },
    (error: unknown) => {
      done.called = true;
      done.error = error;
    },
  );
  return { events, done, abort: () => controller.abort() };
}

describe('FakeKubeApiServer watches', () => {
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

  describe('with the client-node Watch', () => {
    it('streams ADDED, MODIFIED and DELETED for objects matching the label selector', async () => {
      const watch = await openWatch(kc, '/api/v1/namespaces/default/pods', { labelSelector: 'app=web' });

      await core.createNamespacedPod({ namespace: 'default', body: pod('web-1', { app: 'web' }) });
      await core.createNamespacedPod({ namespace: 'default', body: pod('api-1', { app: 'api' }) });
      await core.createNamespacedPod({ namespace: 'other', body: pod('web-2', { app: 'web' }) });
      await core.patchNamespacedPod(
        { namespace: 'default', name: 'web-1', body: { metadata: { annotations: { x: 'y' } } } },
        mergePatch,
      );
      await core.deleteNamespacedPod({ namespace: 'default', name: 'web-1' });
      await waitFor(() => watch.events.length === 3);
      watch.abort();

      expect(watch.events.map((e) => [e.type, e.name])).toEqual([
        ['ADDED', 'web-1'],
        ['MODIFIED', 'web-1'],
        ['DELETED', 'web-1'],
      ]);
      expect(watch.events.map((e) => Number(e.resourceVersion))).toEqual(
        [...watch.events.map((e) => Number(e.resourceVersion))].sort((a, b) => a - b),
      );
    });

    it('starts with synthetic ADDED events for existing objects when no resourceVersion is given', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('existing') });

      const watch = await openWatch(kc, '/api/v1/namespaces/default/pods');
      await core.createNamespacedPod({ namespace: 'default', body: pod('new') });
      await waitFor(() => watch.events.length === 2);
      watch.abort();

      expect(watch.events.map((e) => [e.type, e.name])).toEqual([
        ['ADDED', 'existing'],
        ['ADDED', 'new'],
      ]);
    });

    it('replays only changes newer than the given resourceVersion', async () => {
      const first = await core.createNamespacedPod({ namespace: 'default', body: pod('first') });
      await core.createNamespacedPod({ namespace: 'default', body: pod('second') });

      const watch = await openWatch(kc, '/api/v1/namespaces/default/pods', {
        resourceVersion: first.metadata?.resourceVersion ?? '',
      });
      await core.deleteNamespacedPod({ namespace: 'default', name: 'first' });
      await waitFor(() => watch.events.length === 2);
      watch.abort();

      expect(watch.events.map((e) => [e.type, e.name])).toEqual([
        ['ADDED', 'second'],
        ['DELETED', 'first'],
      ]);
    });

    it('reports an object leaving the selector as DELETED and one entering it as ADDED', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('p', { app: 'web' }) });
      const watch = await openWatch(kc, '/api/v1/namespaces/default/pods', {
        labelSelector: 'app=web',
        resourceVersion: server.resourceVersion,
      });

      const relabel = (app: string) =>
        core.patchNamespacedPod(
          { namespace: 'default', name: 'p', body: { metadata: { labels: { app } } } },
          mergePatch,
        );
      await relabel('api');
      await relabel('web');
      await waitFor(() => watch.events.length === 2);
      watch.abort();

      expect(watch.events.map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
    });

    it('watches pods of one node across namespaces with a spec.nodeName field selector', async () => {
      const watch = await openWatch(kc, '/api/v1/pods', {
        fieldSelector: 'spec.nodeName=node-1',
        resourceVersion: server.resourceVersion,
      });

      await core.createNamespacedPod({ namespace: 'a', body: pod('on-node', {}, 'node-1') });
      await core.createNamespacedPod({ namespace: 'b', body: pod('elsewhere', {}, 'node-2') });
      await core.createNamespacedPod({ namespace: 'c', body: pod('also-on-node', {}, 'node-1') });
      await waitFor(() => watch.events.length === 2);
      watch.abort();

      expect(watch.events.map((e) => e.name)).toEqual(['on-node', 'also-on-node']);
    });

    it('streams writes made with seed() and remove()', async () => {
      const watch = await openWatch(kc, '/apis/odigos.io/v1alpha1/instrumentationinstances');

      server.seed({
        apiVersion: 'odigos.io/v1alpha1',
        kind: 'InstrumentationInstance',
        metadata: { name: 'i-1', namespace: 'ns', labels: { app: 'web' } },
        spec: { containerName: 'app' },
        status: { healthy: true },
      });
      server.remove('odigos.io', 'v1alpha1', 'instrumentationinstances', 'ns', 'i-1');
      await waitFor(() => watch.events.length === 2);
      watch.abort();

      expect(watch.events.map((e) => [e.type, e.name])).toEqual([
        ['ADDED', 'i-1'],
        ['DELETED', 'i-1'],
      ]);
    });

    it('sends a 410 Expired ERROR event and ends the stream for a compacted resourceVersion', async () => {
      const created = await core.createNamespacedPod({ namespace: 'default', body: pod('p') });
      await core.deleteNamespacedPod({ namespace: 'default', name: 'p' });
      server.compactHistory();

      const watch = await openWatch(kc, '/api/v1/namespaces/default/pods', {
        resourceVersion: created.metadata?.resourceVersion ?? '',
      });
      await waitFor(() => watch.done.called);

      expect(watch.events).toEqual([{ type: 'ERROR', name: '', resourceVersion: '' }]);
    });

    it('ends open watch streams on close() and frees the port', async () => {
      const other = await FakeKubeApiServer.start();
      const watch = await openWatch(other.kubeConfig(), '/api/v1/pods');
      await waitFor(() => other.openWatches === 1);

      const started = Date.now();
      await other.close();
      await waitFor(() => watch.done.called);

      expect(Date.now() - started).toBeLessThan(1000);
      expect(other.openWatches).toBe(0);
      await expect(
        other.kubeConfig().makeApiClient(CoreV1Api).listPodForAllNamespaces(),
      ).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    });

    it('restarts on the same port after close(), keeping the stored objects', async () => {
      const other = await FakeKubeApiServer.start();
      const client = other.kubeConfig().makeApiClient(CoreV1Api);
      await client.createNamespacedPod({ namespace: 'default', body: pod('kept') });
      const url = other.url;

      await other.close();
      await other.start();
      try {
        const list = await client.listNamespacedPod({ namespace: 'default' });

        expect(other.url).toBe(url);
        expect(list.items.map((p) => p.metadata?.name)).toEqual(['kept']);
      } finally {
        await other.close();
      }
    });
  });

  describe('over raw HTTP', () => {
    it('accepts watch=1 and streams chunked newline-delimited JSON', async () => {
      const url = new URL('/api/v1/namespaces/default/pods?watch=1', server.url);
      const lines: string[] = [];
      let headers: Record<string, unknown> = {};
      const req = request(url, (res) => {
        headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter((l) => l !== '')));
      });
      req.on('error', () => {});
      req.end();
      await waitFor(() => server.openWatches === 1);

      await core.createNamespacedPod({ namespace: 'default', body: pod('p') });
      await waitFor(() => lines.length === 1);
      req.destroy();

      expect(headers['transfer-encoding']).toBe('chunked');
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({
        type: 'ADDED',
        object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' } },
      });
    });
  });

  describe('with makeInformer', () => {
    it('sees add, update and delete of pods', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('before') });
      const seen: string[] = [];
      const informer = makeInformer(kc, '/api/v1/namespaces/default/pods', () =>
        core.listNamespacedPod({ namespace: 'default' }),
      );
      informer.on('add', (p) => seen.push(`add ${p.metadata?.name}`));
      informer.on('update', (p) => seen.push(`update ${p.metadata?.name} ${p.metadata?.labels?.v ?? ''}`));
      informer.on('delete', (p) => seen.push(`delete ${p.metadata?.name}`));
      await informer.start();
      try {
        await waitFor(() => server.openWatches === 1);
        await core.createNamespacedPod({ namespace: 'default', body: pod('after') });
        await core.patchNamespacedPod(
          { namespace: 'default', name: 'after', body: { metadata: { labels: { v: '2' } } } },
          mergePatch,
        );
        await core.deleteNamespacedPod({ namespace: 'default', name: 'before' });
        await waitFor(() => seen.length === 4);

        expect(seen).toEqual(['add before', 'add after', 'update after 2', 'delete before']);
        expect(informer.list('default').map((p) => p.metadata?.name)).toEqual(['after']);
      } finally {
        await informer.stop();
      }
    });

    it('sees custom resources through a label-selected informer', async () => {
      const custom = kc.makeApiClient(CustomObjectsApi);
      const ii = { group: 'odigos.io', version: 'v1alpha1', plural: 'instrumentationinstances' };
      const seen: string[] = [];
      const informer = makeInformer<KubernetesObject>(
        kc,
        '/apis/odigos.io/v1alpha1/namespaces/default/instrumentationinstances',
        () => custom.listNamespacedCustomObject({ ...ii, namespace: 'default', labelSelector: 'app=web' }),
        'app=web',
      );
      informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
      await informer.start();
      try {
        await waitFor(() => server.openWatches === 1);
        for (const [name, app] of [
          ['ignored', 'api'],
          ['wanted', 'web'],
        ]) {
          await custom.createNamespacedCustomObject({
            ...ii,
            namespace: 'default',
            body: {
              apiVersion: 'odigos.io/v1alpha1',
              kind: 'InstrumentationInstance',
              metadata: { name, labels: { app } },
            },
          });
        }
        await waitFor(() => seen.length === 1);

        expect(seen).toEqual(['add wanted']);
      } finally {
        await informer.stop();
      }
    });

    it('resumes from its last resourceVersion after the server ends the watch', async () => {
      const seen: string[] = [];
      const informer = makeInformer(kc, '/api/v1/namespaces/default/pods', () =>
        core.listNamespacedPod({ namespace: 'default' }),
      );
      informer.on('add', (p) => seen.push(p.metadata?.name ?? ''));
      await informer.start();
      try {
        await core.createNamespacedPod({ namespace: 'default', body: pod('one') });
        await waitFor(() => seen.length === 1);
        server.requests.clear();

        server.endWatches();
        await waitFor(() => server.openWatches === 1);
        await core.createNamespacedPod({ namespace: 'default', body: pod('two') });
        await waitFor(() => seen.length === 2);

        const rewatch = server.requests.find((r) => r.verb === 'watch');
        expect(rewatch?.query.resourceVersion).toBe(
          server.get('', 'v1', 'pods', 'default', 'one')?.metadata.resourceVersion,
        );
        expect(server.requests.filter((r) => r.verb === 'list')).toHaveLength(0);
        expect(seen).toEqual(['one', 'two']);
      } finally {
        await informer.stop();
      }
    });

    it('relists after a 410 Expired when its resourceVersion was compacted away', async () => {
      const seen: string[] = [];
      const informer = makeInformer(kc, '/api/v1/namespaces/default/pods', () =>
        core.listNamespacedPod({ namespace: 'default' }),
      );
      informer.on('add', (p) => seen.push(p.metadata?.name ?? ''));
      await informer.start();
      try {
        await waitFor(() => server.openWatches === 1);
        server.requests.clear();
        server.compactHistory();
        server.endWatches();
        await waitFor(() => server.requests.some((r) => r.verb === 'list') && server.openWatches === 1);

        await core.createNamespacedPod({ namespace: 'default', body: pod('after-relist') });
        await waitFor(() => seen.length === 1);

        expect(seen).toEqual(['after-relist']);
      } finally {
        await informer.stop();
      }
    });
  });
});
