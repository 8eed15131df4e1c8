import { type ConfigurationOptions } from '@kubernetes/client-node';
import { abortableBy } from './kube-request-options.js';
import { toKubernetesError } from './kubernetes-error.mapping.js';
import { KubernetesUnavailableError } from './kubernetes.errors.js';
import { kubernetesStats, type KubernetesVerb, outcomeOfError, verbOfOperation } from './kubernetes-stats.js';

/** What {@link callKubernetesApi} needs to know about one call. */
export interface KubernetesApiCall {
  /** What the call does, for errors and logs, e.g. `read pod shop/checkout-1`. */
  readonly operation: string;
  /**
   * The API verb, for the request metrics. Default: from the operation's first word (`read` and `GET` are
   * `get`, `replace` is `update`, `list`, `create`, `patch`, `delete` as they are), else `other`.
   */
  readonly verb?: KubernetesVerb;
  /** The call is aborted and fails as `timeout` after this many milliseconds. No default. */
  readonly deadlineMs: number;
  /** Aborts the call early (e.g. on shutdown); it then fails as `unreachable`. Default: none. */
  readonly signal?: AbortSignal;
}

/**
 * Runs one `@kubernetes/client-node` call (object-parameter API) with a deadline. `call` must pass the given
 * options as the last argument of the API method: the client has no timeout of its own, so aborting its HTTP
 * request is the only way not to leave a socket waiting behind a call that already failed. Each call is
 * counted in `kubernetesStats` by verb and outcome.
 * @throws {KubernetesUnavailableError} no answer in time, cancelled, no connection, HTTP 429 or 5xx.
 * @throws {KubernetesNotFoundError} HTTP 404. @throws {KubernetesConflictError} HTTP 409.
 * @throws {KubernetesRequestError} any other HTTP error status.
 */
export async function callKubernetesApi<T>(
  request: KubernetesApiCall,
  call: (options: ConfigurationOptions) => Promise<T>,
): Promise<T> {
  const { operation, deadlineMs, signal } = request;
  const verb = request.verb ?? verbOfOperation(operation);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new KubernetesUnavailableError(operation, 'timeout', `no answer within ${deadlineMs} ms`));
    }, deadlineMs);
    onAbort = () => {
      controller.abort();
      reject(new KubernetesUnavailableError(operation, 'unreachable', 'the call was cancelled'));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const answer = await Promise.race([call(abortableBy(controller.signal)), deadline]);
    kubernetesStats.request(verb, 'ok');
    return answer;
  } catch (error) {
    const failure = toKubernetesError(operation, error);
    kubernetesStats.request(verb, outcomeOfError(failure));
    throw failure;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
