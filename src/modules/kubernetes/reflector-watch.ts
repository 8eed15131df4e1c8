import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { kubernetesErrorFromStatus, toKubernetesError } from './kubernetes-error.mapping.js';
import { KubernetesUnavailableError } from './kubernetes.errors.js';

/** Extra time the client waits past `timeoutSeconds` before it gives up on a watch the server never ended. */
const WATCH_GRACE_MS = 30_000;

/** Slack of the open deadline here over the HTTP client's headers timeout, which normally fires first. */
const WATCH_OPEN_BACKSTOP_MS = 1_000;

/** How a watch ended: the server closed it, its resourceVersion expired (410 Gone), or it was stopped. */
export type WatchEnd = 'closed' | 'expired' | 'stopped';

/** One watch request of {@link watchOnce}. */
export interface WatchRequest {
  /** A client from {@link createWatchClient}. */
  readonly client: Watch;
  /** For errors, e.g. `watch pods on node node-1`. */
  readonly operation: string;
  /** Path watched, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** Query parameters: selectors, `resourceVersion`, `timeoutSeconds`, `allowWatchBookmarks`. */
  readonly query: Readonly<Record<string, string | number | boolean>>;
  /** Deadline for the server to answer the request, ms (the client's headers timeout). */
  readonly openTimeoutMs: number;
  /** `timeoutSeconds` asked of the server; the watch is ended here if the server has not ended it by then. */
  readonly timeoutSeconds: number;
  /** Ends the watch as `stopped`. */
  readonly signal: AbortSignal;
  /** The server answered: the watch is open. */
  readonly onOpen: () => void;
  /** Every event but `ERROR` (ADDED, MODIFIED, DELETED, BOOKMARK), in order. */
  readonly onEvent: (type: string, object: unknown) => void;
}

/**
 * A `Watch` whose requests time out when the server does not answer within `openTimeoutMs`. client-node's
 * `Watch` hands out its AbortController only once the response headers have arrived, so without this a
 * request the server never answers would hold its socket forever (node-fetch's `timeout` option is cleared
 * when the headers arrive, and does not apply to the streamed body).
 */
export function createWatchClient(kubeConfig: KubeConfig, openTimeoutMs: number): Watch {
  const configured: KubeConfig = Object.create(kubeConfig) as KubeConfig;
  configured.applyToFetchOptions = (options) =>
    kubeConfig.applyToFetchOptions({ ...options, timeout: openTimeoutMs });
  return new Watch(configured);
}

/**
 * Runs one watch until it ends and says how; the HTTP request is aborted whichever way it ends.
 * An `ERROR` event with code 410 (https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses)
 * ends it as `expired`.
 * @throws {KubernetesError} the watch was refused, not answered in time, cut, or ended by an `ERROR` event.
 */
export function watchOnce(request: WatchRequest): Promise<WatchEnd> {
  const { operation, signal } = request;
  return new Promise<WatchEnd>((resolve, reject) => {
    let settled = false;
    let expired = false;
    let errorEvent: Error | undefined;
    let controller: AbortController | undefined;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(openTimer);
      clearTimeout(lifetimeTimer);
      signal.removeEventListener('abort', onStop);
      controller?.abort();
      finish();
    };
    const onStop = (): void => settle(() => resolve('stopped'));
    const openTimer = setTimeout(() => {
      const details = `not answered within ${request.openTimeoutMs} ms`;
      settle(() => reject(new KubernetesUnavailableError(operation, 'timeout', details)));
    }, request.openTimeoutMs + WATCH_OPEN_BACKSTOP_MS);
    // Ends a watch the server should have ended by now: a half-open connection would otherwise hang forever.
    const lifetimeTimer = setTimeout(
      () => settle(() => resolve('closed')),
      request.timeoutSeconds * 1000 + WATCH_GRACE_MS,
    );
    if (signal.aborted) return onStop();
    signal.addEventListener('abort', onStop, { once: true });

    const onEvent = (type: string, object: unknown): void => {
      if (settled) return;
      if (type !== 'ERROR') return request.onEvent(type, object);
      const error = kubernetesErrorFromStatus(operation, object);
      if (error.status === 410) expired = true;
      else errorEvent = error;
    };
    const onDone = (error: unknown): void => {
      settle(() => {
        const failure = error ? toKubernetesError(operation, error) : undefined;
        if (expired || failure?.status === 410) resolve('expired');
        else if (failure) reject(failure);
        else if (errorEvent) reject(errorEvent);
        else resolve('closed');
      });
    };
    request.client.watch(request.path, request.query, onEvent, onDone).then(
      (opened) => {
        controller = opened;
        if (settled) return opened.abort();
        clearTimeout(openTimer);
        request.onOpen();
      },
      (error: unknown) => settle(() => reject(toKubernetesError(operation, error))),
    );
  });
}
