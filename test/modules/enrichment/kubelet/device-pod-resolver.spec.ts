import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type Clock } from '../../../../src/common/clock.js';
import {
  DevicePodResolver,
  type DevicePodResolverOptions,
} from '../../../../src/modules/enrichment/kubelet/device-pod-resolver.js';
import { KubeletPodResourcesClient } from '../../../../src/modules/enrichment/kubelet/kubelet-pod-resources.client.js';
import { KubeletUnavailableError } from '../../../../src/modules/enrichment/kubelet/kubelet.errors.js';
import { FakeKubeletPodResourcesServer } from '../../../support/fake-kubelet/fake-kubelet-pod-resources.server.js';
import { fakePod } from '../../../support/fake-kubelet/fake-pods.js';

const GENERIC = 'instrumentation.odigos.io/generic';

describe('DevicePodResolver', () => {
  let kubelet: FakeKubeletPodResourcesServer;
  let client: KubeletPodResourcesClient;
  let now: number;
  const clock: Clock = { now: () => now };

  const resolverWith = (options: DevicePodResolverOptions = {}): DevicePodResolver =>
    new DevicePodResolver(client, { clock, ...options });

  beforeEach(async () => {
    now = 1_000_000;
    kubelet = await FakeKubeletPodResourcesServer.start([
      fakePod('shop', 'checkout-7d9f', [
        { name: 'app', devices: [{ resourceName: GENERIC, deviceIds: ['dev-1'] }] },
        {
          name: 'worker',
          devices: [
            { resourceName: 'nvidia.com/gpu', deviceIds: ['GPU-0'] },
            {
              resourceName: 'instrumentation.odigos.io/java-native-community',
              deviceIds: ['dev-2', 'dev-3'],
            },
          ],
        },
      ]),
      fakePod('kube-system', 'coredns-1', [{ name: 'coredns' }]),
    ]);
    // Generous: the first call also connects the gRPC channel, which a loaded CI machine can make slow.
    client = new KubeletPodResourcesClient({ socketPath: kubelet.socketPath, timeoutMs: 10_000 });
  });

  afterEach(() => {
    client.close();
    kubelet.dispose();
  });

  it('maps a device id to its pod, namespace, container and resource', async () => {
    const resolver = resolverWith();

    await expect(resolver.resolve('dev-1')).resolves.toEqual({
      podName: 'checkout-7d9f',
      namespace: 'shop',
      containerName: 'app',
      resourceName: GENERIC,
    });
    await expect(resolver.resolve('dev-3')).resolves.toEqual({
      podName: 'checkout-7d9f',
      namespace: 'shop',
      containerName: 'worker',
      resourceName: 'instrumentation.odigos.io/java-native-community',
    });
    expect(kubelet.listCalls).toBe(1);
  });

  it('indexes the devices of every resource when no filter is configured (a plugin brings its own)', async () => {
    const resolver = resolverWith({ minRebuildIntervalMs: 0 });

    await expect(resolver.resolve('GPU-0')).resolves.toMatchObject({ containerName: 'worker' });
  });

  it('indexes only resources containing a configured filter', async () => {
    const resolver = resolverWith({ resourceNameFilter: 'nvidia.com' });

    await expect(resolver.resolve('GPU-0')).resolves.toMatchObject({ containerName: 'worker' });
    await expect(resolver.resolve('dev-1')).resolves.toBeUndefined();
  });

  it('returns undefined for an unknown id without error', async () => {
    const resolver = resolverWith();

    await expect(resolver.resolve('no-such-device')).resolves.toBeUndefined();
  });

  it('rebuilds the snapshot on a miss and finds a device allocated after the first snapshot', async () => {
    const resolver = resolverWith();
    await resolver.resolve('dev-1');
    kubelet.pods.push(
      fakePod('shop', 'cart-5c2b', [
        { name: 'app', devices: [{ resourceName: GENERIC, deviceIds: ['dev-9'] }] },
      ]),
    );
    now += 1_000;

    await expect(resolver.resolve('dev-9')).resolves.toMatchObject({
      podName: 'cart-5c2b',
      containerName: 'app',
    });
    expect(kubelet.listCalls).toBe(2);
  });

  it('answers hits from the snapshot without calling the kubelet', async () => {
    const resolver = resolverWith({ minRebuildIntervalMs: 0 });
    await resolver.resolve('dev-1');

    await resolver.resolve('dev-1');
    await resolver.resolve('dev-2');

    expect(kubelet.listCalls).toBe(1);
  });

  it('lets concurrent misses share one List call', async () => {
    const resolver = resolverWith();
    kubelet.delayNext(5);

    const results = await Promise.all(
      ['dev-1', 'dev-2', 'dev-3', 'unknown-a', 'unknown-b'].map((id) => resolver.resolve(id)),
    );

    expect(results.map((allocation) => allocation?.containerName)).toEqual([
      'app',
      'worker',
      'worker',
      undefined,
      undefined,
    ]);
    expect(kubelet.listCalls).toBe(1);
  });

  it('does not ask the kubelet again for misses within the minimum rebuild interval', async () => {
    const resolver = resolverWith({ minRebuildIntervalMs: 500 });
    await resolver.resolve('dev-1');

    now += 499;
    for (let i = 0; i < 20; i++) await expect(resolver.resolve(`unknown-${i}`)).resolves.toBeUndefined();
    expect(kubelet.listCalls).toBe(1);

    now += 1;
    await resolver.resolve('unknown-again');
    expect(kubelet.listCalls).toBe(2);
  });

  it('fails with KubeletUnavailableError while the kubelet is down and recovers when it returns', async () => {
    const resolver = resolverWith({ minRebuildIntervalMs: 100 });
    kubelet.stop();

    await expect(resolver.resolve('dev-1')).rejects.toBeInstanceOf(KubeletUnavailableError);

    await kubelet.start();
    await expect(resolver.resolve('dev-1')).rejects.toBeInstanceOf(KubeletUnavailableError);
    expect(kubelet.listCalls).toBe(0);

    now += 100;
    await expect(resolver.resolve('dev-1')).resolves.toMatchObject({ podName: 'checkout-7d9f' });
    expect(kubelet.listCalls).toBe(1);
  });

  it('keeps serving the previous snapshot when a rebuild fails', async () => {
    const resolver = resolverWith({ minRebuildIntervalMs: 0 });
    await resolver.resolve('dev-1');
    kubelet.failNext();

    await expect(resolver.resolve('unknown')).rejects.toBeInstanceOf(KubeletUnavailableError);

    await expect(resolver.resolve('dev-1')).resolves.toMatchObject({ containerName: 'app' });
    expect(kubelet.listCalls).toBe(2);
  });
});
