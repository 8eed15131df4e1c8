import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PodResources } from '../../../../src/generated/kubelet/k8s/podresources/v1/api.js';
import { KubeletPodResourcesClient } from '../../../../src/modules/enrichment/kubelet/kubelet-pod-resources.client.js';
import {
  KubeletRequestError,
  KubeletTimeoutError,
  KubeletUnavailableError,
} from '../../../../src/modules/enrichment/kubelet/kubelet.errors.js';
import { FakeKubeletPodResourcesServer } from '../../../support/fake-kubelet/fake-kubelet-pod-resources.server.js';
import { fakePod } from '../../../support/fake-kubelet/fake-pods.js';

describe('KubeletPodResourcesClient', () => {
  let kubelet: FakeKubeletPodResourcesServer;
  let client: KubeletPodResourcesClient;

  beforeEach(async () => {
    kubelet = await FakeKubeletPodResourcesServer.start();
    // Generous: the first call also connects the gRPC channel, which a loaded CI machine can make slow.
    client = new KubeletPodResourcesClient({ socketPath: kubelet.socketPath, timeoutMs: 10_000 });
  });

  afterEach(() => {
    client.close();
    kubelet.dispose();
  });

  it('lists every pod with its containers, devices, CPUs and memory over the unix socket', async () => {
    const pod = PodResources.fromPartial({
      name: 'checkout-7d9f',
      namespace: 'shop',
      containers: [
        {
          name: 'app',
          devices: [
            {
              resourceName: 'instrumentation.odigos.io/generic',
              deviceIds: ['dev-1'],
              topology: { nodes: [{ ID: 1n }] },
            },
          ],
          cpuIds: [2n, 3n],
          memory: [{ memoryType: 'hugepages-2Mi', size: 4_194_304n }],
        },
        { name: 'sidecar' },
      ],
    });
    kubelet.pods = [pod, fakePod('kube-system', 'coredns', [{ name: 'coredns' }])];

    const pods = await client.list();

    expect(pods).toEqual([pod, fakePod('kube-system', 'coredns', [{ name: 'coredns' }])]);
    expect(kubelet.listCalls).toBe(1);
  });

  it('can be constructed and closed while no kubelet listens', () => {
    const idle = new KubeletPodResourcesClient({
      socketPath: path.join(os.tmpdir(), 'no-such-kubelet.sock'),
    });

    expect(() => idle.close()).not.toThrow();
  });

  it('reports a missed deadline as KubeletTimeoutError', async () => {
    const impatient = new KubeletPodResourcesClient({ socketPath: kubelet.socketPath, timeoutMs: 20 });
    kubelet.delayNext(5_000);

    const failure = impatient.list();

    await expect(failure).rejects.toBeInstanceOf(KubeletTimeoutError);
    await expect(failure).rejects.toMatchObject({ socketPath: kubelet.socketPath, timeoutMs: 20 });
    impatient.close();
  });

  it('reports a missing socket as KubeletUnavailableError that says what to check', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-kubelet-'));
    const socketPath = path.join(dir, 'kubelet.sock');
    const orphan = new KubeletPodResourcesClient({ socketPath });
    try {
      const failure = orphan.list();

      await expect(failure).rejects.toBeInstanceOf(KubeletUnavailableError);
      await expect(failure).rejects.toMatchObject({ socketPath });
      await expect(failure).rejects.toThrow(/socket path.*mounted.*permission/s);
    } finally {
      orphan.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps an UNAVAILABLE answer to KubeletUnavailableError and other codes to KubeletRequestError', async () => {
    kubelet.failNext(status.UNAVAILABLE);
    kubelet.failNext(status.PERMISSION_DENIED);

    await expect(client.list()).rejects.toBeInstanceOf(KubeletUnavailableError);
    await expect(client.list()).rejects.toMatchObject({
      constructor: KubeletRequestError,
      code: status.PERMISSION_DENIED,
    });
    await expect(client.list()).resolves.toEqual([]);
    expect(kubelet.listCalls).toBe(3);
  });

  it('reconnects at once when the kubelet comes back after a restart', async () => {
    kubelet.pods = [fakePod('shop', 'cart', [{ name: 'app' }])];
    await expect(client.list()).resolves.toHaveLength(1);

    kubelet.stop();
    await expect(client.list()).rejects.toBeInstanceOf(KubeletUnavailableError);

    await kubelet.start();
    await expect(client.list()).resolves.toHaveLength(1);
    expect(kubelet.listCalls).toBe(2);
  });

  it('opens a new channel when used after close()', async () => {
    await client.list();
    client.close();

    await expect(client.list()).resolves.toEqual([]);
    expect(kubelet.listCalls).toBe(2);
  });
});
