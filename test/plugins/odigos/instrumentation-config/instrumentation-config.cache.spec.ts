import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  InstrumentationConfigCache,
  type InstrumentationConfigCacheOptions,
} from '../../../../src/plugins/odigos/instrumentation-config/instrumentation-config.cache.js';
import { type InstrumentationConfig } from '../../../../src/plugins/odigos/instrumentation-config/instrumentation-config.js';
import { eventually } from '../../../support/eventually.js';
import { FakeKubeApiServer } from '../../../support/fake-kube-apiserver/index.js';
import { instrumentationConfigObject } from '../../../modules/enrichment/kube-objects.js';
import { type LoggedLine, recordNestLogs } from '../../../modules/enrichment/recording-logger.js';

const IC = { group: 'odigos.io', version: 'v1alpha1', plural: 'instrumentationconfigs' } as const;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const FAST: InstrumentationConfigCacheOptions = {
  backoffInitialMs: 5,
  backoffMaxMs: 40,
  listTimeoutMs: 1_000,
  watchOpenTimeoutMs: 1_000,
};

const FRONTEND_CONTAINER = {
  containerName: 'app',
  agentEnabled: true,
  otelDistroName: 'nodejs-community',
  traces: { headSampling: { fractionToRecord: 0.5 } },
  agentDiagnostics: { odigosLogLevel: 'info' },
};

type Change = [namespace: string, name: string, serviceName: string | undefined | null];

describe('InstrumentationConfigCache', () => {
  let server: FakeKubeApiServer;
  let kubeConfig: KubeConfig;
  let custom: CustomObjectsApi;
  let cache: InstrumentationConfigCache;
  let changes: Change[];
  let logs: LoggedLine[];

  const start = async (options: InstrumentationConfigCacheOptions = FAST): Promise<void> => {
    cache = new InstrumentationConfigCache(kubeConfig, options);
    cache.onChange((namespace, name, config) =>
      changes.push([namespace, name, config ? (config.serviceName ?? null) : undefined]),
    );
    cache.start();
    // A generous deadline: the first list in a test process also loads the client's HTTP stack.
    await eventually(() => cache.ready && server.openWatches === 1, 10_000, 'first list and watch');
  };
  const watchRequests = (): number => server.requests.filter((r) => r.verb === 'watch').length;
  const listRequests = (): number => server.requests.filter((r) => r.verb === 'list').length;

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    kubeConfig = server.kubeConfig();
    custom = kubeConfig.makeApiClient(CustomObjectsApi);
    changes = [];
    logs = recordNestLogs();
    server.seed(
      instrumentationConfigObject('shop', 'deployment-frontend', {
        serviceName: 'frontend-svc',
        agentInjectionEnabled: true,
        containers: [FRONTEND_CONTAINER, { notAContainer: true }],
        workloadCollectorConfig: [{ containerName: 'app' }],
      }),
    );
  });

  afterEach(async () => {
    await cache?.stop();
    server.faults.reset();
    await server.close();
  });

  it('lists the existing InstrumentationConfigs and keeps their service name and whole container entries', async () => {
    await start();

    const stored = server.get(IC.group, IC.version, IC.plural, 'shop', 'deployment-frontend');
    const expected: InstrumentationConfig = {
      namespace: 'shop',
      name: 'deployment-frontend',
      generation: 1,
      resourceVersion: stored?.metadata.resourceVersion ?? 'missing',
      serviceName: 'frontend-svc',
      containers: [FRONTEND_CONTAINER],
    };
    expect(cache.get('shop', 'deployment-frontend')).toEqual(expected);
    expect(cache.get('other', 'deployment-frontend')).toBeUndefined();
    expect(changes).toEqual([['shop', 'deployment-frontend', 'frontend-svc']]);
  });

  it('sees creations, spec changes and deletions through the watch, cluster-wide', async () => {
    await start();
    changes = [];

    await custom.createNamespacedCustomObject({
      ...IC,
      namespace: 'billing',
      body: instrumentationConfigObject('billing', 'statefulset-ledger', { containers: [] }),
    });
    await custom.patchNamespacedCustomObject(
      { ...IC, namespace: 'billing', name: 'statefulset-ledger', body: { spec: { serviceName: 'ledger' } } },
      mergePatch,
    );
    await custom.deleteNamespacedCustomObject({ ...IC, namespace: 'shop', name: 'deployment-frontend' });
    await eventually(() => changes.length === 3, 2_000, 'three changes');

    expect(changes).toEqual([
      ['billing', 'statefulset-ledger', null],
      ['billing', 'statefulset-ledger', 'ledger'],
      ['shop', 'deployment-frontend', undefined],
    ]);
    expect(cache.get('billing', 'statefulset-ledger')).toMatchObject({
      serviceName: 'ledger',
      generation: 2,
    });
    expect(cache.get('shop', 'deployment-frontend')).toBeUndefined();
  });

  it('stores but does not announce updates that leave the generation alone (status, labels)', async () => {
    await start();
    changes = [];
    const at = { ...IC, namespace: 'shop', name: 'deployment-frontend' };

    await custom.patchNamespacedCustomObjectStatus(
      { ...at, body: { status: { healthy: true } } },
      mergePatch,
    );
    await custom.patchNamespacedCustomObject(
      { ...at, body: { metadata: { labels: { x: 'y' } } } },
      mergePatch,
    );
    const labelled = server.get(IC.group, IC.version, IC.plural, 'shop', 'deployment-frontend');
    await eventually(
      () => cache.get('shop', 'deployment-frontend')?.resourceVersion === labelled?.metadata.resourceVersion,
      2_000,
      'label change stored',
    );
    await custom.patchNamespacedCustomObject(
      { ...at, body: { spec: { serviceName: 'storefront' } } },
      mergePatch,
    );
    await eventually(() => changes.length === 1, 2_000, 'spec change');

    expect(changes).toEqual([['shop', 'deployment-frontend', 'storefront']]);
  });

  it('recovers after an API outage and sees changes made during and after it', async () => {
    await start();
    changes = [];

    server.faults.outage(true);
    const watchesBefore = watchRequests();
    await eventually(() => watchRequests() >= watchesBefore + 2, 2_000, 'failed reconnects');
    server.seed(instrumentationConfigObject('shop', 'daemonset-during', { serviceName: 'during' }));
    server.faults.outage(false);
    await eventually(
      () => cache.get('shop', 'daemonset-during') !== undefined,
      2_000,
      'change made during the outage',
    );
    await custom.createNamespacedCustomObject({
      ...IC,
      namespace: 'shop',
      body: instrumentationConfigObject('shop', 'cronjob-after', { serviceName: 'after' }),
    });
    await eventually(
      () => cache.get('shop', 'cronjob-after') !== undefined,
      2_000,
      'change made after the outage',
    );

    expect(changes).toEqual([
      ['shop', 'daemonset-during', 'during'],
      ['shop', 'cronjob-after', 'after'],
    ]);
    expect(logs.filter((line) => line.level === 'warn').map((line) => line.text)).toEqual([
      'watching InstrumentationConfigs failed; retrying InstrumentationConfigCache',
    ]);
    expect(logs.some((line) => line.text.startsWith('watching InstrumentationConfigs again'))).toBe(true);
  });

  it('relists when its resourceVersion has expired, announcing what was deleted meanwhile', async () => {
    await start();
    changes = [];
    const listsBefore = listRequests();

    server.faults.outage(true, { mode: 'unavailable' });
    server.remove(IC.group, IC.version, IC.plural, 'shop', 'deployment-frontend');
    server.compactHistory();
    server.faults.outage(false);
    await eventually(() => changes.length === 1, 2_000, 'deletion found by the relist');

    expect(changes).toEqual([['shop', 'deployment-frontend', undefined]]);
    expect(listRequests()).toBeGreaterThan(listsBefore);
    expect(cache.size).toBe(0);
  });

  it('keeps retrying while the API server is down at start, and becomes ready when it is back', async () => {
    server.faults.outage(true);
    cache = new InstrumentationConfigCache(kubeConfig, FAST);
    cache.start();
    await eventually(() => listRequests() >= 3, 2_000, 'list retries');

    expect(cache.ready).toBe(false);
    await expect(cache.whenReady(20)).resolves.toBe(false);
    server.faults.outage(false);
    await expect(cache.whenReady(2_000)).resolves.toBe(true);
    expect(cache.get('shop', 'deployment-frontend')).toBeDefined();
  });

  it('gives up on a list that takes longer than its deadline and tries again', async () => {
    server.faults.setLatency(1_000, (r) => r.verb === 'list');
    cache = new InstrumentationConfigCache(kubeConfig, { ...FAST, listTimeoutMs: 50 });
    cache.start();
    await eventually(() => listRequests() >= 2, 2_000, 'a second list');
    server.faults.setLatency(0);

    await expect(cache.whenReady(2_000)).resolves.toBe(true);
  });

  it('gives up on a watch the API server does not answer in time, without leaving it open, and tries again', async () => {
    await start({ ...FAST, watchOpenTimeoutMs: 50 });
    changes = [];
    server.faults.setLatency(2_000, (r) => r.verb === 'watch');
    const watchesBefore = watchRequests();

    server.endWatches();
    await eventually(() => watchRequests() >= watchesBefore + 2, 2_000, 'a second watch attempt');
    server.faults.setLatency(0);
    server.seed(instrumentationConfigObject('shop', 'deployment-next', { serviceName: 'next' }));
    await eventually(() => changes.length === 1, 2_000, 'change seen by a later watch');

    expect(changes).toEqual([['shop', 'deployment-next', 'next']]);
    // node-fetch's own timeout fired, which destroys the request instead of leaving it pending.
    expect(logs.find((line) => line.level === 'warn')?.context?.err).toMatch(/watch .*network timeout at/);
  });

  it('keeps notifying the other listeners when one throws', async () => {
    cache = new InstrumentationConfigCache(kubeConfig, FAST);
    const seen: string[] = [];
    cache.onChange(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = cache.onChange((_namespace, name) => seen.push(name));
    cache.start();
    await eventually(() => seen.length === 1, 2_000, 'first notification');
    unsubscribe();
    server.seed(instrumentationConfigObject('shop', 'deployment-later', {}));
    await eventually(() => cache.get('shop', 'deployment-later') !== undefined, 2_000, 'later object');

    expect(seen).toEqual(['deployment-frontend']);
  });

  it('closes its watch on stop()', async () => {
    await start();

    await cache.stop();

    await eventually(() => server.openWatches === 0, 2_000, 'watch closed');
    expect(cache.get('shop', 'deployment-frontend')).toBeDefined();
  });

  it('watches again when started after stop()', async () => {
    await start();
    await cache.stop();
    await eventually(() => server.openWatches === 0, 2_000, 'watch closed');
    changes = [];

    cache.start();
    await eventually(() => server.openWatches === 1, 2_000, 'watch reopened');
    server.seed(instrumentationConfigObject('shop', 'deployment-again', { serviceName: 'again' }));
    await eventually(() => changes.length === 1, 2_000, 'change after restart');

    expect(changes).toEqual([['shop', 'deployment-again', 'again']]);
  });

  it('is inert, empty and ready without a KubeConfig', async () => {
    cache = new InstrumentationConfigCache(undefined);

    cache.start();
    cache.start();

    expect(cache.ready).toBe(true);
    await expect(cache.whenReady(0)).resolves.toBe(true);
    expect(cache.get('shop', 'deployment-frontend')).toBeUndefined();
    expect(logs.filter((line) => line.text.includes('InstrumentationConfigs are not watched'))).toHaveLength(
      1,
    );
    await cache.stop();
  });
});
