import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  VersionApi,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeKubeApiServer } from './index.js';
import { apiError, asObject, field, statusOf } from './spec-helpers.js';

const II = { group: 'odigos.io', version: 'v1alpha1', plural: 'instrumentationinstances' } as const;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const strategicPatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function pod(name: string, labels: Record<string, string> = {}, nodeName?: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
  };
}

function instance(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'odigos.io/v1alpha1',
    kind: 'InstrumentationInstance',
    metadata: { name, labels: { 'instrumented-app': 'web' } },
    spec: { containerName: 'app' },
    ...extra,
  };
}

describe('FakeKubeApiServer with the real @kubernetes/client-node', () => {
  let server: FakeKubeApiServer;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    const kc = server.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });

  afterEach(async () => {
    await server.close();
  });

  describe('create and read', () => {
    it('creates a pod with server-owned metadata and reads it back', async () => {
      const created = await core.createNamespacedPod({ namespace: 'default', body: pod('web-1') });

      expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.metadata?.namespace).toBe('default');
      expect(created.metadata?.generation).toBe(1);
      expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
      const read = await core.readNamespacedPod({ namespace: 'default', name: 'web-1' });
      expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
      expect(read.spec?.containers[0]?.image).toBe('busybox');
    });

    it('answers GET of a missing object with a 404 NotFound Status', async () => {
      const error = await apiError(core.readNamespacedPod({ namespace: 'default', name: 'nope' }));

      expect(error.code).toBe(404);
      expect(statusOf(error)).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: 'pods "nope" not found',
        details: { name: 'nope', kind: 'pods' },
      });
    });

    it('rejects a second create of the same name with 409 AlreadyExists', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') });

      const error = await apiError(
        custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') }),
      );

      expect(error.code).toBe(409);
      expect(statusOf(error)).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'AlreadyExists',
        code: 409,
        message: 'instrumentationinstances.odigos.io "i-1" already exists',
        details: { name: 'i-1', group: 'odigos.io', kind: 'instrumentationinstances' },
      });
    });

    it('allows the same name in another namespace', async () => {
      await core.createNamespacedPod({ namespace: 'a', body: pod('same') });
      await core.createNamespacedPod({ namespace: 'b', body: pod('same') });

      expect(server.list('', 'v1', 'pods').map((p) => p.metadata.namespace)).toEqual(['a', 'b']);
    });

    it('fills metadata.name from generateName', async () => {
      const created = await core.createNamespacedPod({
        namespace: 'default',
        body: { metadata: { generateName: 'web-' }, spec: { containers: [] } },
      });

      expect(created.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
    });

    it('serves apps/v1, batch/v1, core/v1 workloads and the Argo Rollout custom resource', async () => {
      const kinds: [string, string, string, string][] = [
        ['apps', 'v1', 'deployments', 'Deployment'],
        ['apps', 'v1', 'replicasets', 'ReplicaSet'],
        ['apps', 'v1', 'statefulsets', 'StatefulSet'],
        ['apps', 'v1', 'daemonsets', 'DaemonSet'],
        ['batch', 'v1', 'jobs', 'Job'],
        ['batch', 'v1', 'cronjobs', 'CronJob'],
        ['argoproj.io', 'v1alpha1', 'rollouts', 'Rollout'],
        ['odigos.io', 'v1alpha1', 'instrumentationconfigs', 'InstrumentationConfig'],
      ];
      for (const [group, version, plural, kind] of kinds) {
        const body = { metadata: { name: 'w' }, spec: {} };
        const created = asObject(
          await custom.createNamespacedCustomObject({ group, version, namespace: 'ns', plural, body }),
        );
        expect(created).toMatchObject({ kind, apiVersion: `${group}/${version}` });
      }
      await core.createNamespacedReplicationController({
        namespace: 'ns',
        body: { metadata: { name: 'rc' } },
      });
      expect(server.get('', 'v1', 'replicationcontrollers', 'ns', 'rc')?.kind).toBe('ReplicationController');
    });

    it('answers 404 for a resource it does not serve', async () => {
      const error = await apiError(
        custom.listNamespacedCustomObject({
          group: 'example.com',
          version: 'v1',
          namespace: 'x',
          plural: 'widgets',
        }),
      );

      expect(error.code).toBe(404);
      expect(statusOf(error).reason).toBe('NotFound');
    });

    it('serves a resource added with registerResource', async () => {
      server.registerResource({
        group: 'example.com',
        version: 'v1',
        plural: 'widgets',
        kind: 'Widget',
        namespaced: true,
        hasStatus: false,
      });

      await custom.createNamespacedCustomObject({
        group: 'example.com',
        version: 'v1',
        namespace: 'x',
        plural: 'widgets',
        body: { metadata: { name: 'w' } },
      });

      expect(server.get('example.com', 'v1', 'widgets', 'x', 'w')?.kind).toBe('Widget');
    });
  });

  describe('optimistic concurrency', () => {
    it('rejects an update with a stale resourceVersion (409 Conflict) and accepts it after a re-read', async () => {
      const created = asObject(
        await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') }),
      );
      await custom.patchNamespacedCustomObject(
        { ...II, namespace: 'default', name: 'i-1', body: { metadata: { labels: { touched: 'yes' } } } },
        mergePatch,
      );

      const stale = { ...created, spec: { containerName: 'other' } };
      const error = await apiError(
        custom.replaceNamespacedCustomObject({ ...II, namespace: 'default', name: 'i-1', body: stale }),
      );
      expect(error.code).toBe(409);
      expect(statusOf(error)).toMatchObject({
        reason: 'Conflict',
        message: expect.stringContaining('the object has been modified'),
      });

      const fresh = asObject(
        await custom.getNamespacedCustomObject({ ...II, namespace: 'default', name: 'i-1' }),
      );
      const updated = asObject(
        await custom.replaceNamespacedCustomObject({
          ...II,
          namespace: 'default',
          name: 'i-1',
          body: { ...fresh, spec: { containerName: 'other' } },
        }),
      );
      expect(field(updated, 'spec.containerName')).toBe('other');
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
        Number(fresh.metadata?.resourceVersion),
      );
    });

    it('requires metadata.resourceVersion on a custom resource PUT (422 Invalid), like the real server', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') });

      const error = await apiError(
        custom.replaceNamespacedCustomObject({
          ...II,
          namespace: 'default',
          name: 'i-1',
          body: instance('i-1'),
        }),
      );

      expect(error.code).toBe(422);
      expect(statusOf(error).reason).toBe('Invalid');
    });

    it('allows an unconditional PUT of a built-in resource', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('web-1') });

      const replaced = await core.replaceNamespacedPod({
        namespace: 'default',
        name: 'web-1',
        body: pod('web-1', { v: '2' }),
      });

      expect(replaced.metadata?.labels).toEqual({ v: '2' });
    });

    it('bumps one global resourceVersion on every write, across resources', async () => {
      const versions: number[] = [];
      const a = await core.createNamespacedPod({ namespace: 'default', body: pod('a') });
      versions.push(Number(a.metadata?.resourceVersion));
      const b = asObject(
        await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('b') }),
      );
      versions.push(Number(b.metadata?.resourceVersion));
      const deleted = await core.deleteNamespacedPod({ namespace: 'default', name: 'a' });
      versions.push(Number(deleted.metadata?.resourceVersion));

      expect(versions).toEqual([...versions].sort((x, y) => x - y));
      expect(new Set(versions).size).toBe(3);
      expect(server.resourceVersion).toBe(String(versions[2]));
    });
  });

  describe('status subresource', () => {
    it('drops status on create of a resource with a status subresource', async () => {
      const created = asObject(
        await custom.createNamespacedCustomObject({
          ...II,
          namespace: 'default',
          body: instance('i-1', { status: { healthy: true } }),
        }),
      );

      expect(created.status).toBeUndefined();
    });

    it('changes only .status through /status, ignoring spec and metadata changes', async () => {
      const created = asObject(
        await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') }),
      );

      const updated = asObject(
        await custom.replaceNamespacedCustomObjectStatus({
          ...II,
          namespace: 'default',
          name: 'i-1',
          body: {
            ...created,
            metadata: { ...created.metadata, labels: { changed: 'yes' } },
            spec: { containerName: 'ignored' },
            status: { healthy: true, reason: 'started' },
          },
        }),
      );

      expect(updated.status).toEqual({ healthy: true, reason: 'started' });
      expect(updated.spec).toEqual({ containerName: 'app' });
      expect(updated.metadata?.labels).toEqual({ 'instrumented-app': 'web' });
      expect(updated.metadata?.generation).toBe(1);
    });

    it('keeps the stored status when the main resource is written', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') });
      await custom.patchNamespacedCustomObjectStatus(
        { ...II, namespace: 'default', name: 'i-1', body: { status: { healthy: true } } },
        mergePatch,
      );
      const current = asObject(
        await custom.getNamespacedCustomObject({ ...II, namespace: 'default', name: 'i-1' }),
      );

      const updated = asObject(
        await custom.replaceNamespacedCustomObject({
          ...II,
          namespace: 'default',
          name: 'i-1',
          body: { ...current, spec: { containerName: 'app2' }, status: { healthy: false } },
        }),
      );
      const patched = asObject(
        await custom.patchNamespacedCustomObject(
          { ...II, namespace: 'default', name: 'i-1', body: { status: { healthy: false } } },
          mergePatch,
        ),
      );

      expect(updated.status).toEqual({ healthy: true });
      expect(updated.spec).toEqual({ containerName: 'app2' });
      expect(patched.status).toEqual({ healthy: true });
    });

    it('checks resourceVersion on /status writes too', async () => {
      const created = asObject(
        await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') }),
      );
      await custom.patchNamespacedCustomObject(
        { ...II, namespace: 'default', name: 'i-1', body: { spec: { containerName: 'x' } } },
        mergePatch,
      );

      const error = await apiError(
        custom.replaceNamespacedCustomObjectStatus({
          ...II,
          namespace: 'default',
          name: 'i-1',
          body: { ...created, status: { healthy: true } },
        }),
      );

      expect(error.code).toBe(409);
    });

    it('writes pod status through replaceNamespacedPodStatus', async () => {
      const created = await core.createNamespacedPod({ namespace: 'default', body: pod('web-1') });

      const updated = await core.replaceNamespacedPodStatus({
        namespace: 'default',
        name: 'web-1',
        body: { ...created, status: { phase: 'Running', podIP: '10.0.0.7' } },
      });

      expect(updated.status?.phase).toBe('Running');
      expect(server.get('', 'v1', 'pods', 'default', 'web-1')?.status).toEqual({
        phase: 'Running',
        podIP: '10.0.0.7',
      });
    });
  });

  describe('generation and no-op writes', () => {
    it('increments generation when spec changes but not for label or status changes', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') });
      const target = { ...II, namespace: 'default', name: 'i-1' };

      const labelled = asObject(
        await custom.patchNamespacedCustomObject(
          { ...target, body: { metadata: { labels: { a: 'b' } } } },
          mergePatch,
        ),
      );
      const withStatus = asObject(
        await custom.patchNamespacedCustomObjectStatus(
          { ...target, body: { status: { healthy: true } } },
          mergePatch,
        ),
      );
      const respecced = asObject(
        await custom.patchNamespacedCustomObject(
          { ...target, body: { spec: { containerName: 'b' } } },
          mergePatch,
        ),
      );

      expect([labelled, withStatus, respecced].map((o) => o.metadata?.generation)).toEqual([1, 1, 2]);
    });

    it('does not bump resourceVersion for a write that changes nothing', async () => {
      const created = await core.createNamespacedPod({
        namespace: 'default',
        body: pod('web-1', { a: 'b' }),
      });

      const patched = await core.patchNamespacedPod(
        { namespace: 'default', name: 'web-1', body: { metadata: { labels: { a: 'b' } } } },
        mergePatch,
      );

      expect(patched.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    });
  });

  describe('patch', () => {
    it('applies a merge patch, with null deleting a key', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('web-1', { a: '1', b: '2' }) });

      const patched = await core.patchNamespacedPod(
        { namespace: 'default', name: 'web-1', body: { metadata: { labels: { a: null, c: '3' } } } },
        mergePatch,
      );

      expect(patched.metadata?.labels).toEqual({ b: '2', c: '3' });
    });

    it('applies a JSON patch (the client default)', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') });

      const patched = asObject(
        await custom.patchNamespacedCustomObject(
          {
            ...II,
            namespace: 'default',
            name: 'i-1',
            body: [
              { op: 'replace', path: '/spec/containerName', value: 'sidecar' },
              { op: 'add', path: '/metadata/annotations', value: { 'a/b': 'c' } },
            ],
          },
          jsonPatch,
        ),
      );

      expect(patched.spec).toEqual({ containerName: 'sidecar' });
      expect(patched.metadata?.annotations).toEqual({ 'a/b': 'c' });
    });

    it('rejects a failing JSON patch test operation with 422', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('web-1') });

      const error = await apiError(
        core.patchNamespacedPod(
          {
            namespace: 'default',
            name: 'web-1',
            body: [{ op: 'test', path: '/metadata/name', value: 'other' }],
          },
          jsonPatch,
        ),
      );

      expect(error.code).toBe(422);
    });

    it('treats a strategic merge patch on a built-in resource as a merge patch', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('web-1', { a: '1' }) });

      const patched = await core.patchNamespacedPod(
        { namespace: 'default', name: 'web-1', body: { metadata: { labels: { b: '2' } } } },
        strategicPatch,
      );

      expect(patched.metadata?.labels).toEqual({ a: '1', b: '2' });
    });

    it('refuses a strategic merge patch on a custom resource with 415, like the real server', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') });

      const error = await apiError(
        custom.patchNamespacedCustomObject(
          { ...II, namespace: 'default', name: 'i-1', body: { spec: { containerName: 'x' } } },
          strategicPatch,
        ),
      );

      expect(error.code).toBe(415);
    });

    it('answers 404 when patching a missing object', async () => {
      const error = await apiError(
        core.patchNamespacedPod({ namespace: 'default', name: 'nope', body: { metadata: {} } }, mergePatch),
      );

      expect(error.code).toBe(404);
    });
  });

  describe('delete', () => {
    it('returns the deleted object, after which GET is 404 and a second DELETE is 404', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'default', body: instance('i-1') });

      const deleted = asObject(
        await custom.deleteNamespacedCustomObject({ ...II, namespace: 'default', name: 'i-1' }),
      );

      expect(deleted.metadata?.name).toBe('i-1');
      expect(
        (await apiError(custom.getNamespacedCustomObject({ ...II, namespace: 'default', name: 'i-1' }))).code,
      ).toBe(404);
      expect(
        (await apiError(custom.deleteNamespacedCustomObject({ ...II, namespace: 'default', name: 'i-1' })))
          .code,
      ).toBe(404);
    });

    it('keeps an object with finalizers until an update removes them', async () => {
      await core.createNamespacedPod({
        namespace: 'default',
        body: { ...pod('web-1'), metadata: { name: 'web-1', finalizers: ['example.com/hold'] } },
      });

      const marked = await core.deleteNamespacedPod({ namespace: 'default', name: 'web-1' });
      expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
      expect(server.get('', 'v1', 'pods', 'default', 'web-1')).toBeDefined();

      await core.patchNamespacedPod(
        { namespace: 'default', name: 'web-1', body: { metadata: { finalizers: null } } },
        mergePatch,
      );
      expect(server.get('', 'v1', 'pods', 'default', 'web-1')).toBeUndefined();
    });

    it('honours DeleteOptions preconditions', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('web-1') });

      const error = await apiError(
        core.deleteNamespacedPod({
          namespace: 'default',
          name: 'web-1',
          body: { preconditions: { resourceVersion: '999' } },
        }),
      );

      expect(error.code).toBe(409);
    });

    it('deletes a labelled collection', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: pod('a', { app: 'x' }) });
      await core.createNamespacedPod({ namespace: 'default', body: pod('b', { app: 'y' }) });

      await core.deleteCollectionNamespacedPod({ namespace: 'default', labelSelector: 'app=x' });

      expect(server.list('', 'v1', 'pods', 'default').map((p) => p.metadata.name)).toEqual(['b']);
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      await core.createNamespacedPod({
        namespace: 'a',
        body: pod('p1', { app: 'web', tier: 'front' }, 'node-1'),
      });
      await core.createNamespacedPod({ namespace: 'a', body: pod('p2', { app: 'api' }, 'node-2') });
      await core.createNamespacedPod({
        namespace: 'b',
        body: pod('p3', { app: 'web', tier: 'back' }, 'node-1'),
      });
      await core.createNamespacedPod({ namespace: 'b', body: pod('p4', {}) });
    });

    async function names(labelSelector?: string, fieldSelector?: string): Promise<string[]> {
      const list = await core.listPodForAllNamespaces({
        ...(labelSelector !== undefined ? { labelSelector } : {}),
        ...(fieldSelector !== undefined ? { fieldSelector } : {}),
      });
      return list.items.map((p) => p.metadata?.name ?? '');
    }

    it('returns a PodList with the current resourceVersion and typed items', async () => {
      const list = await core.listNamespacedPod({ namespace: 'a' });

      expect(list.kind).toBe('PodList');
      expect(list.apiVersion).toBe('v1');
      expect(list.metadata?.resourceVersion).toBe(server.resourceVersion);
      expect(list.items.map((p) => [p.kind, p.apiVersion, p.metadata?.name])).toEqual([
        ['Pod', 'v1', 'p1'],
        ['Pod', 'v1', 'p2'],
      ]);
    });

    it('filters by equality, inequality and existence label selectors', async () => {
      expect(await names('app=web')).toEqual(['p1', 'p3']);
      expect(await names('app==web,tier=back')).toEqual(['p3']);
      expect(await names('app!=web')).toEqual(['p2', 'p4']);
      expect(await names('tier')).toEqual(['p1', 'p3']);
      expect(await names('!tier')).toEqual(['p2', 'p4']);
    });

    it('filters by set-based label selectors', async () => {
      expect(await names('app in (web, api)')).toEqual(['p1', 'p2', 'p3']);
      expect(await names('tier notin (front)')).toEqual(['p2', 'p3', 'p4']);
      expect(await names('app in (web),tier notin (back)')).toEqual(['p1']);
    });

    it('rejects a malformed label selector with 400', async () => {
      const error = await apiError(core.listPodForAllNamespaces({ labelSelector: 'app in web' }));

      expect(error.code).toBe(400);
    });

    it('filters pods by spec.nodeName, metadata.name and metadata.namespace field selectors', async () => {
      expect(await names(undefined, 'spec.nodeName=node-1')).toEqual(['p1', 'p3']);
      expect(await names(undefined, 'spec.nodeName=')).toEqual(['p4']);
      expect(await names('app=web', 'metadata.namespace=b')).toEqual(['p3']);
      expect(await names(undefined, 'metadata.name!=p1,metadata.namespace==a')).toEqual(['p2']);
    });

    it('rejects an unsupported field selector with 400', async () => {
      const error = await apiError(core.listPodForAllNamespaces({ fieldSelector: 'spec.hostname=x' }));

      expect(error.code).toBe(400);
      expect(statusOf(error).message).toContain('field label not supported');
    });

    it('pages with limit and continue', async () => {
      const first = await core.listPodForAllNamespaces({ limit: 3 });
      const rest = await core.listPodForAllNamespaces({
        limit: 3,
        _continue: first.metadata?._continue ?? '',
      });

      expect(first.items.map((p) => p.metadata?.name)).toEqual(['p1', 'p2', 'p3']);
      expect(first.metadata?.remainingItemCount).toBe(1);
      expect(rest.items.map((p) => p.metadata?.name)).toEqual(['p4']);
      expect(rest.metadata?._continue).toBeUndefined();
    });

    it('lists custom resources across namespaces with a label selector', async () => {
      await custom.createNamespacedCustomObject({ ...II, namespace: 'a', body: instance('i-1') });
      await custom.createNamespacedCustomObject({
        ...II,
        namespace: 'b',
        body: { ...instance('i-2'), metadata: { name: 'i-2', labels: { other: 'x' } } },
      });

      const list = asObject(
        await custom.listClusterCustomObject({ ...II, labelSelector: 'instrumented-app=web' }),
      );

      expect(list.kind).toBe('InstrumentationInstanceList');
      expect(field(list, 'items')).toEqual([
        expect.objectContaining({ kind: 'InstrumentationInstance', apiVersion: 'odigos.io/v1alpha1' }),
      ]);
    });
  });

  describe('seeding and direct store access', () => {
    it('seeds a typed V1Pod verbatim, status included, and lists it with selectors', async () => {
      const seeded = server.seed<V1Pod>({
        ...pod('seeded', { app: 'web' }, 'node-1'),
        metadata: { name: 'seeded', namespace: 'ns', labels: { app: 'web' }, creationTimestamp: new Date(0) },
        status: { phase: 'Running' },
      });

      const read = await core.readNamespacedPod({ namespace: 'ns', name: 'seeded' });

      expect(seeded.metadata.creationTimestamp).toBe('1970-01-01T00:00:00.000Z');
      expect(read.status?.phase).toBe('Running');
      expect(server.list('', 'v1', 'pods', undefined, { labelSelector: 'app=web' })).toHaveLength(1);
      expect(server.list('', 'v1', 'pods', 'other')).toHaveLength(0);
    });

    it('records each request with method, path and query, and clears the log', async () => {
      await core.listNamespacedPod({ namespace: 'default', labelSelector: 'a=b' });

      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]).toMatchObject({
        method: 'GET',
        path: '/api/v1/namespaces/default/pods',
        query: { labelSelector: 'a=b' },
        verb: 'list',
        resource: 'pods',
        namespace: 'default',
      });
      server.requests.clear();
      expect(server.requests).toHaveLength(0);
    });

    it('records nothing with recordRequests: false, and still serves', async () => {
      const quiet = await FakeKubeApiServer.start({ recordRequests: false });
      try {
        const api = quiet.kubeConfig().makeApiClient(CoreV1Api);
        await api.createNamespacedPod({ namespace: 'default', body: pod('quiet') });
        const read = await api.readNamespacedPod({ namespace: 'default', name: 'quiet' });
        expect(read.metadata?.name).toBe('quiet');
        expect(quiet.requests).toHaveLength(0);
      } finally {
        await quiet.close();
      }
    });

    it('serves /version for VersionApi', async () => {
      const version = await server.kubeConfig().makeApiClient(VersionApi).getCode();

      expect(version.gitVersion).toBe('v1.31.0-fake');
    });
  });

  describe('kubeconfig', () => {
    it('writes a kubeconfig file that the client can load', async () => {
      const file = await server.writeKubeConfig({ namespace: 'team-a' });
      try {
        const kc = new KubeConfig();
        kc.loadFromFile(file.path);
        await kc
          .makeApiClient(CoreV1Api)
          .createNamespacedPod({ namespace: 'team-a', body: pod('from-file') });

        expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('team-a');
        expect(server.get('', 'v1', 'pods', 'team-a', 'from-file')).toBeDefined();
      } finally {
        await file.dispose();
      }
    });

    it('answers 401 to a wrong token when the server requires one', async () => {
      const secured = await FakeKubeApiServer.start({ token: 's3cret' });
      try {
        const good = secured.kubeConfig().makeApiClient(CoreV1Api);
        const bad = secured.kubeConfig({ token: 'wrong' }).makeApiClient(CoreV1Api);

        await expect(good.listNamespacedPod({ namespace: 'default' })).resolves.toMatchObject({ items: [] });
        expect((await apiError(bad.listNamespacedPod({ namespace: 'default' }))).code).toBe(401);
      } finally {
        await secured.close();
      }
    });
  });
});
