import { ApiException, type ConfigurationOptions } from '@kubernetes/client-node';
import { abortableBy, apiErrorMessage } from '../kubernetes/index.js';
import { EnrichmentError, KubernetesRequestError, KubernetesUnavailableError } from './enrichment.errors.js';

/** Deadline of one Kubernetes API call unless configured: 3 s, well inside the agents' 5 s HTTP timeout. */
export const DEFAULT_KUBERNETES_API_DEADLINE_MS = 3_000;

/** What {@link callKubernetesApi} needs to know about one call. */
export interface KubernetesApiCall {
  /** What the call does, for errors and logs, e.g. `read pod shop/checkout-1`. */
  readonly operation: string;
  /** The call is aborted and fails as `timeout` after this many milliseconds. */
  readonly deadlineMs: number;
  /** Aborts the call early (e.g. on shutdown); it then fails as `unreachable`. */
  readonly signal?: AbortSignal;
}

/**
 * Runs one `@kubernetes/client-node` call with a deadline. `call` must pass the given options as the
 * last argument of the API method so the request can be aborted: then no socket is left waiting behind a
 * call that already failed.
 * @throws {KubernetesUnavailableError} no answer in time, no connection, HTTP 429 or 5xx.
 * @throws {KubernetesRequestError} any other HTTP error status (including 404; callers map it).
 */
export async function callKubernetesApi<T>(
  request: KubernetesApiCall,
  call: (options: ConfigurationOptions) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new KubernetesUnavailableError(
          request.operation,
          'timeout',
          `no answer within ${request.deadlineMs} ms`,
        ),
      );
    }, request.deadlineMs);
    onAbort = () => {
      controller.abort();
      reject(new KubernetesUnavailableError(request.operation, 'unreachable', 'the call was cancelled'));
    };
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([call(abortableBy(controller.signal)), deadline]);
  } catch (error) {
    throw toKubernetesError(request.operation, error);
  } finally {
    clearTimeout(timer);
    if (onAbort) request.signal?.removeEventListener('abort', onAbort);
  }
}

/** Maps whatever a client-node call threw to a typed enrichment error. */
export function toKubernetesError(operation: string, error: unknown): EnrichmentError {
  if (error instanceof EnrichmentError) return error;
  if (error instanceof ApiException) {
    const code = error.code;
    const details = apiErrorMessage(error, 200) ?? `HTTP ${code}`;
    if (code === 429)
      return new KubernetesUnavailableError(operation, 'throttled', details, { cause: error });
    if (code >= 500)
      return new KubernetesUnavailableError(operation, 'server-error', details, { cause: error });
    return new KubernetesRequestError(operation, code, details, { cause: error });
  }
  const details = error instanceof Error ? error.message : String(error);
  // node-fetch's FetchError for its own `timeout` option (no response headers in time).
  const timedOut =
    typeof error === 'object' && error !== null && 'type' in error && error.type === 'request-timeout';
  return new KubernetesUnavailableError(operation, timedOut ? 'timeout' : 'unreachable', details, {
    cause: error,
  });
}
