import { type ConfigurationOptions } from '@kubernetes/client-node';
import { abortableBy } from './kube-request-options.js';

/** A Kubernetes API call that did not answer within its deadline (it was aborted). */
export class KubeApiTimeoutError extends Error {
  override readonly name = 'KubeApiTimeoutError';

  constructor(
    readonly operation: string,
    readonly deadlineMs: number,
  ) {
    super(`${operation}: no answer from the Kubernetes API within ${deadlineMs} ms`);
  }
}

/**
 * Runs one `@kubernetes/client-node` call (object-parameter API) with a deadline: `call` must pass the
 * given options as the last argument, so the HTTP request is aborted when the deadline passes and no
 * socket is left waiting behind a call that already failed.
 * @throws KubeApiTimeoutError when the deadline passes; otherwise whatever the call throws.
 */
export async function callWithDeadline<T>(
  operation: string,
  deadlineMs: number,
  call: (options: ConfigurationOptions) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new KubeApiTimeoutError(operation, deadlineMs));
    }, deadlineMs);
  });
  try {
    return await Promise.race([call(abortableBy(controller.signal)), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
