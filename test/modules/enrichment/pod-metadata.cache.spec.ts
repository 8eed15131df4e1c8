import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type Clock } from '../../../src/common/clock.js';
import {
  KubernetesRequestError,
  KubernetesUnavailableError,
  PodNotFoundError,
} from '../../../src/modules/enrichment/enrichment.errors.js';
import {
  PodMetadataCache,
  type PodMetadataCacheOptions,
} from '../../../src/modules/enrichment/pod-metadata.cache.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { podObject } from './kube-objects.js';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('PodMetadataCache', () => {
  let server: FakeKubeApiServer;
  let now: number;
  const clock: Clock = { now: () => now };

  const cacheWith = (options: PodMetadataCacheOptions = {}): PodMetadataCache =>
    new PodMetadataCache(server.kubeConfig(), { clock, deadlineMs: 1_000, ...options });
  const podReads = (): number =>
    server.requests.filter((r) => r.verb === 'get' && r.resource === 'pods').length;

  beforeEach(async () => {
    now = 1_000_000;
    server = await FakeKubeApiServer.start();
    server.seed(
      podObject({
        namespace: 'shop',
        name: 'checkout-7d9f5c6b8-x2x4z',
        uid: 'pod-uid-1',
        nodeName: 'node-1',
        labels: { 'pod-template-hash': '7d9f5c6b8', tier: 'web' },
        owners: [{ kind: 'ReplicaSet', name: 'checkout-7d9f5c6b8', controller: true }],
        containers: ['app', 'sidecar'],
      }),
    );
  });

  afterEach(async () => {
    server.faults.reset();
    await server.close();
  });

  it('reads a pod and keeps only the fields workload resolution needs', async () => {
    const cache = cacheWith();

    const pod = await cache.get('shop', 'checkout-7d9f5c6b8-x2x4z');

    expect(pod).toEqual({
      name: 'checkout-7d9f5c6b8-x2x4z',
      namespace: 'shop',
      uid: 'pod-uid-1',
      nodeName: 'node-1',
      labels: { 'pod-template-hash': '7d9f5c6b8' },
      ownerReferences: [
        { kind: 'ReplicaSet', name: 'checkout-7d9f5c6b8', uid: 'owner-uid-0', controller: true },
      ],
      containerNames: ['app', 'sidecar'],
    });
    expect(JSON.stringify(pod).length).toBeLessThan(400);
  });

  it('serves a second read from memory without asking the API server', async () => {
    const cache = cacheWith();

    const first = await cache.get('shop', 'checkout-7d9f5c6b8-x2x4z');
    now += 60_000;
    const second = await cache.get('shop', 'checkout-7d9f5c6b8-x2x4z');

    expect(second).toBe(first);
    expect(podReads()).toBe(1);
  });

  it('shares one API read among concurrent misses for the same pod', async () => {
    const cache = cacheWith();
    server.faults.setLatency(20);

    const pods = await Promise.all(
      Array.from({ length: 5 }, () => cache.get('shop', 'checkout-7d9f5c6b8-x2x4z')),
    );

    expect(new Set(pods).size).toBe(1);
    expect(podReads()).toBe(1);
  });

  it('reads the pod again once the TTL has passed', async () => {
    const cache = cacheWith({ ttlMs: 5_000 });

    await cache.get('shop', 'checkout-7d9f5c6b8-x2x4z');
    now += 5_001;
    await cache.get('shop', 'checkout-7d9f5c6b8-x2x4z');

    expect(podReads()).toBe(2);
  });

  it('reads the pod again after invalidate', async () => {
    const cache = cacheWith();

    await cache.get('shop', 'checkout-7d9f5c6b8-x2x4z');
    cache.invalidate('shop', 'checkout-7d9f5c6b8-x2x4z');
    await cache.get('shop', 'checkout-7d9f5c6b8-x2x4z');

    expect(podReads()).toBe(2);
  });

  it('drops the oldest entries beyond maxEntries', async () => {
    for (const name of ['a', 'b', 'c']) server.seed(podObject({ namespace: 'shop', name }));
    const cache = cacheWith({ maxEntries: 2 });

    for (const name of ['a', 'b', 'c', 'b']) await cache.get('shop', name);
    await cache.get('shop', 'a');

    expect(cache.size).toBe(2);
    expect(podReads()).toBe(4);
  });

  it('fails with PodNotFoundError for a pod the API server does not have', async () => {
    const cache = cacheWith();

    const error = await rejectionOf(cache.get('shop', 'ghost'));

    expect(error).toBeInstanceOf(PodNotFoundError);
    expect(error).toMatchObject({ namespace: 'shop', podName: 'ghost' });
    expect((error as Error).message).toContain('pod shop/ghost does not exist');
  });

  it('remembers a NotFound briefly, then reads again', async () => {
    const cache = cacheWith({ notFoundTtlMs: 5_000 });

    await expect(cache.get('shop', 'late')).rejects.toBeInstanceOf(PodNotFoundError);
    server.seed(podObject({ namespace: 'shop', name: 'late' }));
    now += 4_000;
    await expect(cache.get('shop', 'late')).rejects.toBeInstanceOf(PodNotFoundError);
    expect(podReads()).toBe(1);

    now += 1_001;
    await expect(cache.get('shop', 'late')).resolves.toMatchObject({ name: 'late' });
    expect(podReads()).toBe(2);
  });

  it('fails with KubernetesUnavailableError within about the deadline when the API server is slow', async () => {
    const cache = cacheWith({ deadlineMs: 100 });
    server.faults.setLatency(2_000);
    const started = Date.now();

    const error = await rejectionOf(cache.get('shop', 'checkout-7d9f5c6b8-x2x4z'));

    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(KubernetesUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', operation: 'read pod shop/checkout-7d9f5c6b8-x2x4z' });
    expect((error as Error).message).toMatch(
      /no answer within 100 ms\). Check that the API server is reachable/,
    );
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(600);
  });

  it('does not remember a timeout: the next read succeeds once the API server answers', async () => {
    const cache = cacheWith({ deadlineMs: 100 });
    server.faults.setLatency(2_000);
    await expect(cache.get('shop', 'checkout-7d9f5c6b8-x2x4z')).rejects.toBeInstanceOf(
      KubernetesUnavailableError,
    );

    server.faults.setLatency(0);

    await expect(cache.get('shop', 'checkout-7d9f5c6b8-x2x4z')).resolves.toMatchObject({ uid: 'pod-uid-1' });
  });

  it.each([
    ['unreachable', { reset: true }],
    ['server-error', { status: 503 }],
    ['throttled', { status: 429 }],
  ] as const)('fails as %s when the API server answers %j', async (reason, fault) => {
    const cache = cacheWith();
    server.faults.failNext(1, fault);

    await expect(cache.get('shop', 'checkout-7d9f5c6b8-x2x4z')).rejects.toMatchObject({
      name: 'KubernetesUnavailableError',
      reason,
    });
  });

  it('fails with KubernetesRequestError naming RBAC when the read is forbidden', async () => {
    const cache = cacheWith();
    server.faults.failNext(1, { status: 403, message: 'pods "x" is forbidden' });

    const error = await rejectionOf(cache.get('shop', 'checkout-7d9f5c6b8-x2x4z'));

    expect(error).toBeInstanceOf(KubernetesRequestError);
    expect(error).toMatchObject({ statusCode: 403, details: 'pods "x" is forbidden' });
    expect((error as Error).message).toContain('RBAC');
  });

  it('fails as not-configured without a KubeConfig', async () => {
    const cache = new PodMetadataCache(undefined);

    await expect(cache.get('shop', 'any')).rejects.toMatchObject({
      name: 'KubernetesUnavailableError',
      reason: 'not-configured',
    });
  });
});
