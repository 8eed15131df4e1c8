import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import {
  KubernetesPackageCatalog,
  PackageCatalogRejectedError,
  PackageNotFoundError,
  type PackageCatalogChange,
  type PackageSpec,
} from '../../../src/modules/packages/index.js';
import { eventually } from '../../support/eventually.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { captureLogs } from '../../support/logs.js';

const NAMESPACE = 'observability';
const LABEL = 'opamp-nest.io/package';
const HASH = createHash('sha256').update('otelcol 1.0.0').digest('hex');

const packageConfigMap = (name: string, data: Record<string, string>, annotations = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NAMESPACE, labels: { [LABEL]: 'true' }, annotations },
  data,
});

const spec = (version: string): PackageSpec => ({
  offeredAs: 'otelcol',
  type: 'top-level',
  version,
  downloadUrl: `https://downloads.test/otelcol-${version}.tar.gz`,
  contentHash: Buffer.from(HASH, 'hex'),
  signature: Buffer.alloc(0),
  headers: { 'X-Token': 'abc' },
});

describe('KubernetesPackageCatalog (labelled ConfigMaps)', () => {
  let kube: FakeKubeApiServer;
  const catalogs: KubernetesPackageCatalog[] = [];

  const startCatalog = async (): Promise<{
    catalog: KubernetesPackageCatalog;
    changes: PackageCatalogChange[];
  }> => {
    const catalog = new KubernetesPackageCatalog({
      kubeConfig: kube.kubeConfig(),
      namespace: NAMESPACE,
      labelSelector: `${LABEL}=true`,
      retryDelayMs: 20,
    });
    const changes: PackageCatalogChange[] = [];
    catalog.onChange((change) => changes.push(change));
    catalogs.push(catalog);
    catalog.onApplicationBootstrap();
    await catalog.synced;
    return { catalog, changes };
  };

  beforeEach(async () => {
    kube = await FakeKubeApiServer.start();
  });
  afterEach(async () => {
    for (const catalog of catalogs.splice(0)) await catalog.onApplicationShutdown();
    await kube.close();
  });

  it('lists the packages of labelled ConfigMaps at start-up, with their assignments', async () => {
    kube.seed(
      packageConfigMap(
        'otelcol-1',
        {
          version: '1.0.0',
          downloadUrl: 'https://downloads.test/otelcol.tgz',
          contentHash: HASH,
          offeredAs: 'otelcol',
          headers: '{"Authorization":"Bearer t"}',
        },
        { 'opamp-nest.io/selector': 'env=prod' },
      ),
    );
    const { catalog } = await startCatalog();
    const [pkg] = catalog.listPackages();
    expect(pkg).toEqual(
      expect.objectContaining({
        name: 'otelcol-1',
        offeredAs: 'otelcol',
        type: 'top-level',
        version: '1.0.0',
        headers: { Authorization: 'Bearer t' },
      }),
    );
    expect(pkg!.contentHash.toString('hex')).toBe(HASH);
    expect(catalog.listAssignments()).toEqual([
      { package: 'otelcol-1', name: 'selector', selector: { env: 'prod' } },
    ]);
  });

  it('logs and skips a ConfigMap that is not a package, and takes it once it is fixed', async () => {
    const logs = captureLogs();
    kube.seed(packageConfigMap('broken', { version: '1.0.0', contentHash: 'not hex' }));
    const { catalog, changes } = await startCatalog();
    expect(catalog.listPackages()).toEqual([]);
    const skipped = logs.find((line) => line.message.includes('package ConfigMap was skipped'));
    expect(skipped?.level).toBe('warn');
    expect(JSON.stringify(skipped?.fields)).toContain('contentHash');

    const core = kube.kubeConfig().makeApiClient(CoreV1Api);
    const current = await core.readNamespacedConfigMap({ name: 'broken', namespace: NAMESPACE });
    await core.replaceNamespacedConfigMap({
      name: 'broken',
      namespace: NAMESPACE,
      body: { ...current, data: { version: '1.0.0', downloadUrl: 'https://d.test/x', contentHash: HASH } },
    });
    await eventually(() => catalog.getPackage('broken')?.version === '1.0.0');
    expect(changes).toContainEqual({ packages: ['broken'] });
  });

  it('writes through one catalog and the other sees it: packages, assignments and deletions', async () => {
    const { catalog: one } = await startCatalog();
    const { catalog: two, changes } = await startCatalog();

    expect((await one.putPackage('otelcol-1', spec('1.0.0'))).created).toBe(true);
    await one.putAssignment({ package: 'otelcol-1', name: 'prod', selector: { env: 'prod' } });
    await eventually(() => two.listAssignments('otelcol-1').length === 1);
    expect(two.listAssignments('otelcol-1')).toEqual([
      { package: 'otelcol-1', name: 'prod', selector: { env: 'prod' } },
    ]);
    expect(two.getPackage('otelcol-1')?.hash).toEqual(one.getPackage('otelcol-1')?.hash);
    expect(two.getPackage('otelcol-1')?.headers).toEqual({ 'X-Token': 'abc' });

    expect((await two.putPackage('otelcol-1', spec('1.1.0'))).created).toBe(false);
    await eventually(() => one.getPackage('otelcol-1')?.version === '1.1.0');
    expect(one.listAssignments('otelcol-1')).toHaveLength(1); // kept across the replace

    expect(await one.deletePackage('otelcol-1')).toBe(true);
    await eventually(() => two.listPackages().length === 0);
    expect(changes.length).toBeGreaterThanOrEqual(3);
  });

  it("writes over a concurrent change (409): re-reads and keeps the other writer's assignment", async () => {
    const { catalog: one } = await startCatalog();
    await one.putPackage('otelcol-1', spec('1.0.0'));
    const { catalog: two } = await startCatalog();
    await two.stop(); // `two` holds the ConfigMap as it was: its replace carries an old resourceVersion
    await one.putAssignment({ package: 'otelcol-1', name: 'a', agent: 'agent-a' });
    await two.putAssignment({ package: 'otelcol-1', name: 'b', agent: 'agent-b' });
    expect(two.listAssignments('otelcol-1').map((a) => a.name)).toEqual(['a', 'b']);
    await eventually(() => one.listAssignments('otelcol-1').length === 2);
    expect(one.listAssignments('otelcol-1').map((a) => a.name)).toEqual(['a', 'b']);
  });

  it('refuses an assignment of a missing package, and a selector that names no label to write', async () => {
    const { catalog } = await startCatalog();
    await expect(
      catalog.putAssignment({ package: 'nope', name: 'a', agent: 'agent-a' }),
    ).rejects.toBeInstanceOf(PackageNotFoundError);
    const unlabelled = new KubernetesPackageCatalog({
      kubeConfig: kube.kubeConfig(),
      namespace: NAMESPACE,
      labelSelector: `!${LABEL}`,
    });
    await expect(unlabelled.putPackage('x', spec('1'))).rejects.toBeInstanceOf(PackageCatalogRejectedError);
  });
});
