import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Registry } from 'prom-client';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import {
  callKubernetesApi,
  KubernetesModule,
  type ReflectorHandler,
  ResourceReflector,
} from '../../../src/modules/kubernetes/index.js';
import { METRICS_REGISTRY, MetricsModule } from '../../../src/modules/metrics/index.js';
import { eventually } from '../../support/eventually.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { parsePrometheusText, sampleValue, type Sample } from '../../support/prometheus-text.js';

const ENV = { OPAMP_HOST: '127.0.0.1', OPAMP_PORT: '0' };
const NAMESPACE = 'observability';
const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'checkout-1', namespace: NAMESPACE } };
const configMap = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NAMESPACE },
  data: { key: name },
});

/** Counts the lists a reflector delivers. */
class CountingHandler implements ReflectorHandler {
  lists = 0;
  failures = 0;
  replace(): void {
    this.lists++;
  }
  apply(): void {}
  failed(): void {
    this.failures++;
  }
  recovered(): void {}
}

/**
 * The Kubernetes series are process-wide (the calls are counted by `callKubernetesApi` and every
 * `ResourceReflector`, whoever made them), so each test compares two scrapes.
 */
describe('Kubernetes metrics', () => {
  let moduleRef: TestingModule;
  let server: FakeKubeApiServer;
  let core: CoreV1Api;

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    core = server.kubeConfig().makeApiClient(CoreV1Api);
    server.seed(POD);
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: ENV }), KubernetesModule, MetricsModule],
    }).compile();
    await moduleRef.init();
  });

  afterEach(async () => {
    await moduleRef.close();
    server.faults.reset();
    await server.close();
  });

  const scrape = async (): Promise<Sample[]> =>
    parsePrometheusText(await moduleRef.get<Registry>(METRICS_REGISTRY).metrics()).samples;
  const delta =
    (before: Sample[], after: Sample[]) =>
    (name: string, labels: Record<string, string>): number =>
      (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
  /** Scrapes until `ready` holds for the samples (the watch client reports an open watch a little later). */
  const scrapeUntil = async (ready: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> => {
    const deadline = Date.now() + 2_000;
    for (;;) {
      const samples = await scrape();
      if (ready(samples)) return samples;
      if (Date.now() > deadline) throw new Error(`${what} not scraped within 2000 ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const watchesOpened = (samples: Sample[]): number =>
    sampleValue(samples, 'opamp_kubernetes_api_requests_total', { verb: 'watch', outcome: 'ok' }) ?? 0;
  const readPod = (name: string): Promise<unknown> =>
    callKubernetesApi({ operation: `read pod ${NAMESPACE}/${name}`, deadlineMs: 1_000 }, (options) =>
      core.readNamespacedPod({ namespace: NAMESPACE, name }, options),
    );

  it('counts API calls by verb and outcome: ok, 404, an injected 500', async () => {
    const before = await scrape();
    await readPod('checkout-1');
    await expect(readPod('missing')).rejects.toThrow();
    server.faults.failNext(1, { status: 500 });
    await expect(readPod('checkout-1')).rejects.toThrow();
    await callKubernetesApi({ operation: 'create configmap a', deadlineMs: 1_000 }, (options) =>
      core.createNamespacedConfigMap({ namespace: NAMESPACE, body: configMap('a') }, options),
    );
    const after = await scrape();
    const requests = (verb: string, outcome: string) =>
      delta(before, after)('opamp_kubernetes_api_requests_total', { verb, outcome });

    expect(requests('get', 'ok')).toBe(1);
    expect(requests('get', 'not-found')).toBe(1);
    expect(requests('get', 'server-error')).toBe(1);
    expect(requests('create', 'ok')).toBe(1);
    expect(requests('create', 'server-error')).toBe(0);
  });

  it('counts watch restarts by resource and reason: ended by the server, failed, expired (410) and relisted', async () => {
    server.seed(configMap('a'));
    const handler = new CountingHandler();
    const reflector = new ResourceReflector({
      kubeConfig: server.kubeConfig(),
      resource: `configmaps in ${NAMESPACE}`,
      path: `/api/v1/namespaces/${NAMESPACE}/configmaps`,
      list: (options) => core.listNamespacedConfigMap({ namespace: NAMESPACE }, options),
      handler,
      backoffInitialMs: 5,
      backoffMaxMs: 20,
      listTimeoutMs: 1_000,
      watchOpenTimeoutMs: 1_000,
    });
    const before = await scrape();
    try {
      reflector.start();
      await eventually(() => handler.lists === 1 && server.openWatches === 1, 2_000, 'list and watch');
      const opened = watchesOpened(before);
      const watching = await scrapeUntil((samples) => watchesOpened(samples) > opened, 'the open watch');

      server.endWatches();
      await eventually(
        () => server.requests.filter((r) => r.verb === 'watch').length === 2 && server.openWatches === 1,
        2_000,
        'rewatch',
      );
      const rewatched = await scrapeUntil((samples) => watchesOpened(samples) > opened + 1, 'the rewatch');

      server.faults.outage(true, { mode: 'unavailable' });
      await eventually(() => handler.failures >= 2, 2_000, 'failed rewatches');
      server.remove('', 'v1', 'configmaps', NAMESPACE, 'a');
      server.compactHistory();
      server.faults.outage(false);
      await eventually(() => handler.lists === 2 && server.openWatches === 1, 2_000, 'relist');
      const after = await scrapeUntil((samples) => watchesOpened(samples) > opened + 2, 'the last watch');

      const restarts = (from: Sample[], to: Sample[], reason: string) =>
        delta(from, to)('opamp_kubernetes_watch_restarts_total', { resource: 'configmaps', reason });
      const requests = (from: Sample[], to: Sample[], verb: string, outcome: string) =>
        delta(from, to)('opamp_kubernetes_api_requests_total', { verb, outcome });
      expect(['closed', 'error', 'expired'].map((reason) => restarts(before, watching, reason))).toEqual([
        0, 0, 0,
      ]);
      expect(requests(before, watching, 'list', 'ok')).toBe(1);
      expect(requests(before, watching, 'watch', 'ok')).toBe(1);
      expect(restarts(watching, rewatched, 'closed')).toBe(1);
      expect(requests(watching, rewatched, 'watch', 'ok')).toBe(1);
      expect(requests(watching, rewatched, 'list', 'ok')).toBe(0);
      // The outage ends the open watch; rewatches get 503 until it is over; the old version is gone: 410.
      expect(restarts(rewatched, after, 'closed')).toBe(1);
      expect(restarts(rewatched, after, 'error')).toBe(handler.failures);
      expect(requests(rewatched, after, 'watch', 'server-error')).toBe(handler.failures);
      expect(restarts(rewatched, after, 'expired')).toBe(1);
      expect(requests(rewatched, after, 'list', 'ok')).toBe(1);
    } finally {
      await reflector.stop();
    }
  });
});
