import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  ConfigStoreRejectedError,
  ConfigStoreUnavailableError,
  KubernetesConfigStore,
  type ConfigStoreChange,
} from '../../../src/modules/fleet/index.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { eventually } from '../../support/eventually.js';

const NAMESPACE = 'observability';
const LABEL = 'opamp-nest.io/config';

const configMap = (name: string, extra: Record<string, unknown> = {}, labelled = true) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NAMESPACE, labels: labelled ? { [LABEL]: 'true' } : {}, ...extra },
  data: { 'collector.yaml': 'receivers: {}' },
});

describe('KubernetesConfigStore (ConfigMaps)', () => {
  let kube: FakeKubeApiServer;
  let store: KubernetesConfigStore;
  let changes: ConfigStoreChange[];

  const startStore = async (): Promise<void> => {
    store = new KubernetesConfigStore({
      kubeConfig: kube.kubeConfig(),
      namespace: NAMESPACE,
      labelSelector: `${LABEL}=true`,
      retryDelayMs: 20,
    });
    changes = [];
    store.onChange((change) => changes.push(change));
    store.onApplicationBootstrap();
    await store.synced;
  };

  beforeEach(async () => {
    kube = await FakeKubeApiServer.start();
  });
  afterEach(async () => {
    await store.onApplicationShutdown();
    await kube.close();
  });

  it('reads the labelled ConfigMaps of its namespace: files, content types and assignments', async () => {
    kube.seed({
      ...configMap('collector', {
        annotations: {
          'opamp-nest.io/selector': 'env=prod, team=a',
          'opamp-nest.io/assignments': JSON.stringify([{ name: 'one', agent: 'agent-1' }]),
          'opamp-nest.io/content-types': JSON.stringify({ 'extra.conf': 'text/x-conf' }),
        },
      }),
      data: { 'collector.yaml': 'receivers: {}', 'extra.conf': 'a=b' },
      binaryData: { 'cert.der': Buffer.from([0, 1, 2, 255]).toString('base64') },
    });
    kube.seed(configMap('not-a-config', {}, false));
    kube.seed({
      ...configMap('elsewhere'),
      metadata: { name: 'elsewhere', namespace: 'other', labels: { [LABEL]: 'true' } },
    });

    await startStore();

    expect(store.listConfigs().map((c) => c.name)).toEqual(['collector']);
    const files = store.getConfig('collector')!.files;
    expect(files['collector.yaml']).toEqual({ body: Buffer.from('receivers: {}'), contentType: 'text/yaml' });
    expect(files['extra.conf']?.contentType).toBe('text/x-conf');
    expect(files['cert.der']).toEqual({
      body: Buffer.from([0, 1, 2, 255]),
      contentType: 'application/octet-stream',
    });
    expect(store.listAssignments()).toEqual([
      { config: 'collector', name: 'one', agent: 'agent-1' },
      { config: 'collector', name: 'selector', selector: { env: 'prod', team: 'a' } },
    ]);
  });

  it('follows ConfigMaps changed in the cluster (kubectl, GitOps): edits, new ones and deletions', async () => {
    kube.seed(configMap('collector'));
    await startStore();
    expect(changes).toEqual([{ configs: ['collector'] }]); // the first list is a change too: it rolls out
    changes.length = 0;
    const core = kube.kubeConfig().makeApiClient(CoreV1Api);

    const current = await core.readNamespacedConfigMap({ name: 'collector', namespace: NAMESPACE });
    await core.replaceNamespacedConfigMap({
      name: 'collector',
      namespace: NAMESPACE,
      body: { ...current, data: { 'collector.yaml': 'receivers: { otlp: {} }' } },
    });
    await eventually(
      () =>
        store.getConfig('collector')?.files['collector.yaml']?.body.toString() === 'receivers: { otlp: {} }',
    );
    kube.seed(configMap('second'));
    await eventually(() => store.getConfig('second') !== undefined);
    await core.deleteNamespacedConfigMap({ name: 'collector', namespace: NAMESPACE });
    await eventually(() => store.getConfig('collector') === undefined);
    expect(changes.map((c) => c.configs[0])).toEqual(['collector', 'second', 'collector']);
  });

  it('writes configs and assignments as labelled ConfigMaps, keeping what others put there', async () => {
    kube.seed(configMap('git-managed', { annotations: { 'argocd.argoproj.io/tracking-id': 'x' } }));
    await startStore();

    expect(
      (
        await store.putConfig('api-made', {
          'a.json': { body: Buffer.from('{}'), contentType: 'application/json' },
        })
      ).created,
    ).toBe(true);
    await store.putAssignment({ config: 'api-made', name: 'prod', selector: { env: 'prod' } });
    await store.putAssignment({ config: 'git-managed', name: 'agent-x', agent: 'x' });

    const made = kube.get('', 'v1', 'configmaps', NAMESPACE, 'api-made')!;
    expect(made.metadata.labels).toEqual({ [LABEL]: 'true' });
    expect(made.data).toEqual({ 'a.json': '{}' });
    expect(made.metadata.annotations).toEqual({
      'opamp-nest.io/assignments': '[{"name":"prod","selector":{"env":"prod"}}]',
    });
    const managed = kube.get('', 'v1', 'configmaps', NAMESPACE, 'git-managed')!;
    expect(managed.metadata.annotations).toEqual({
      'argocd.argoproj.io/tracking-id': 'x',
      'opamp-nest.io/assignments': '[{"name":"agent-x","agent":"x"}]',
    });
    expect(managed.data).toEqual({ 'collector.yaml': 'receivers: {}' });

    expect(await store.deleteAssignment('api-made', 'prod')).toBe(true);
    expect(store.listAssignments('api-made')).toEqual([]);
    expect(await store.deleteConfig('api-made')).toBe(true);
    expect(kube.get('', 'v1', 'configmaps', NAMESPACE, 'api-made')).toBeUndefined();
    expect(await store.deleteConfig('api-made')).toBe(false);
  });

  it('lists and watches again after the API server was unreachable, catching up on what changed', async () => {
    kube.seed(configMap('before'));
    await startStore();
    kube.faults.outage(true);
    kube.remove('', 'v1', 'configmaps', NAMESPACE, 'before');
    kube.seed(configMap('during'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    kube.faults.outage(false);
    await eventually(
      () => store.getConfig('during') !== undefined && store.getConfig('before') === undefined,
      5000,
    );
  });

  it('writes over a concurrent change (409): re-reads the ConfigMap and keeps what the other writer put', async () => {
    kube.seed(configMap('collector'));
    await startStore();
    // The store's watch is cut, so it cannot see the other write before its own.
    kube.faults.outage(true, { match: (r) => r.verb === 'watch' });
    const core = kube.kubeConfig().makeApiClient(CoreV1Api);
    const current = await core.readNamespacedConfigMap({ name: 'collector', namespace: NAMESPACE });
    await core.replaceNamespacedConfigMap({
      name: 'collector',
      namespace: NAMESPACE,
      body: { ...current, metadata: { ...current.metadata, annotations: { other: 'writer' } } },
    });

    await store.putAssignment({ config: 'collector', name: 'one', agent: 'agent-1' });
    kube.faults.outage(false);

    const updates = kube.requests.filter((r) => r.verb === 'update' && r.resource === 'configmaps');
    expect(updates).toHaveLength(3); // the other writer's, ours refused with 409, ours again
    expect(kube.get('', 'v1', 'configmaps', NAMESPACE, 'collector')?.metadata.annotations).toEqual({
      other: 'writer',
      'opamp-nest.io/assignments': '[{"name":"one","agent":"agent-1"}]',
    });
  });

  it('reports a refused write as ConfigStoreRejectedError and an unavailable API as ConfigStoreUnavailableError', async () => {
    await startStore();
    const put = () =>
      store.putConfig('api-made', { 'a.json': { body: Buffer.from('{}'), contentType: 'application/json' } });

    kube.faults.failNext(1, {
      status: 403,
      message: 'configmaps is forbidden',
      match: (r) => r.verb === 'create',
    });
    await expect(put()).rejects.toThrow(
      new ConfigStoreRejectedError(
        `the Kubernetes API refused to write ConfigMap ${NAMESPACE}/api-made: configmaps is forbidden`,
      ),
    );
    kube.faults.failNext(1, { status: 503, match: (r) => r.verb === 'create' });
    const unavailable = await put().catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(ConfigStoreUnavailableError);
    expect((unavailable as Error).message).toMatch(
      /could not write ConfigMap observability\/api-made: .*; try again/,
    );
    expect(store.getConfig('api-made')).toBeUndefined();
  });
});
