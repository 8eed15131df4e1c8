import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  callKubernetesApi,
  KubernetesConflictError,
  KubernetesNotFoundError,
  KubernetesRequestError,
  KubernetesUnavailableError,
  toKubernetesError,
} from '../../../src/modules/kubernetes/index.js';
import { eventually } from '../../support/eventually.js';
import { createKubeConfig, FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'checkout-1', namespace: 'shop' } };
const READ = { operation: 'read pod shop/checkout-1', deadlineMs: 1_000 };

/** An HTTP server that never answers, and counts the requests whose connection the client closed. */
async function silentServer(): Promise<{
  url: string;
  received: () => number;
  closed: () => number;
  server: Server;
}> {
  let received = 0;
  let closed = 0;
  const server = createServer((_request, response) => {
    received++;
    response.on('close', () => closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received: () => received, closed: () => closed, server };
}

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('callKubernetesApi', () => {
  let server: FakeKubeApiServer;
  let core: CoreV1Api;
  const readPod = (request = READ): Promise<unknown> =>
    callKubernetesApi(request, (options) =>
      core.readNamespacedPod({ namespace: 'shop', name: 'checkout-1' }, options),
    );

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    core = server.kubeConfig().makeApiClient(CoreV1Api);
    server.seed(POD);
  });

  afterEach(async () => {
    server.faults.reset();
    await server.close();
  });

  it("returns the call's answer", async () => {
    await expect(readPod()).resolves.toMatchObject({ metadata: { name: 'checkout-1', namespace: 'shop' } });
  });

  it('fails as a timeout at the deadline and aborts the HTTP request, leaving no connection open', async () => {
    const silent = await silentServer();
    try {
      const api = createKubeConfig(silent.url).makeApiClient(CoreV1Api);
      const started = Date.now();
      const error = await rejectionOf(
        callKubernetesApi({ operation: 'read pod shop/x', deadlineMs: 50 }, (options) =>
          api.readNamespacedPod({ namespace: 'shop', name: 'x' }, options),
        ),
      );

      expect(Date.now() - started).toBeLessThan(500);
      expect(error).toBeInstanceOf(KubernetesUnavailableError);
      expect(error).toMatchObject({ reason: 'timeout', operation: 'read pod shop/x', retryable: true });
      expect(silent.received()).toBe(1);
      await eventually(() => silent.closed() === 1, 1_000, 'request aborted');
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it('is cancelled by its signal, as unreachable, without waiting for the deadline', async () => {
    server.faults.setLatency(2_000);
    const cancel = new AbortController();
    const pending = rejectionOf(
      readPod({ ...READ, deadlineMs: 5_000, signal: cancel.signal } as typeof READ),
    );
    await eventually(() => server.requests.length === 1, 1_000, 'request sent');

    cancel.abort();

    await expect(pending).resolves.toMatchObject({
      name: 'KubernetesUnavailableError',
      reason: 'unreachable',
      details: 'the call was cancelled',
    });
  });

  // client-node keeps no body for a 401 (its OpenAPI spec declares none), so only the status is known.
  it.each([
    [404, KubernetesNotFoundError, true, 'injected 404'],
    [409, KubernetesConflictError, true, 'injected 409'],
    [403, KubernetesRequestError, true, 'injected 403'],
    [401, KubernetesRequestError, true, 'HTTP 401'],
    [422, KubernetesRequestError, false, 'injected 422'],
    [400, KubernetesRequestError, false, 'injected 400'],
  ] as const)('turns HTTP %i into %p (retryable: %p)', async (status, type, retryable, details) => {
    server.faults.failNext(1, { status, message: `injected ${status}` });

    const error = await rejectionOf(readPod());

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, statusCode: status, retryable, details });
    expect((error as Error).message).toContain(
      `Kubernetes API refused to read pod shop/checkout-1 (HTTP ${status}`,
    );
  });

  it.each([
    [{ status: 429 }, 'throttled', 429],
    [{ status: 503 }, 'server-error', 503],
    [{ status: 500 }, 'server-error', 500],
    [{ reset: true }, 'unreachable', undefined],
  ] as const)('turns %j into KubernetesUnavailableError %s', async (fault, reason, status) => {
    server.faults.failNext(1, fault);

    const error = await rejectionOf(readPod());

    expect(error).toBeInstanceOf(KubernetesUnavailableError);
    expect(error).toMatchObject({ reason, status, retryable: true, operation: READ.operation });
  });

  it('says what to do in its messages', async () => {
    server.faults.failNext(1, { status: 403, message: 'pods is forbidden' });
    expect(((await rejectionOf(readPod())) as Error).message).toMatch(
      /Check the RBAC .*deploy\/base\/rbac\.yaml/,
    );
    server.faults.failNext(1, { status: 503 });
    expect(((await rejectionOf(readPod())) as Error).message).toMatch(/check its health/);
  });
});

describe('toKubernetesError', () => {
  it("reads a refused watch's statusCode, and keeps a KubernetesError as it is", () => {
    const refused = Object.assign(new Error('Forbidden'), { statusCode: 403 });

    const error = toKubernetesError('watch pods', refused);

    expect(error).toBeInstanceOf(KubernetesRequestError);
    expect(error).toMatchObject({
      operation: 'watch pods',
      status: 403,
      details: 'Forbidden',
      cause: refused,
    });
    expect(toKubernetesError('other', error)).toBe(error);
  });

  it("turns node-fetch's request-timeout into a timeout and anything else into unreachable", () => {
    const timeout = Object.assign(new Error('network timeout at: http://x'), { type: 'request-timeout' });

    expect(toKubernetesError('watch pods', timeout)).toMatchObject({ reason: 'timeout', status: undefined });
    expect(toKubernetesError('watch pods', 'boom')).toMatchObject({ reason: 'unreachable', details: 'boom' });
  });
});
