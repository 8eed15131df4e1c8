import {
  ApiException,
  type ConfigurationOptions,
  Observable,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/**
 * Per-call options of `@kubernetes/client-node` (object-parameter API, last argument) that attach `signal`
 * to the HTTP request: the client has no timeout of its own, so aborting is the only way not to leave a
 * socket waiting behind a call that already gave up.
 */
export function abortableBy(signal: AbortSignal): ConfigurationOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
      },
    ],
  };
}

/** HTTP status of a Kubernetes API error answer, or undefined for network errors and anything else. */
export function apiStatusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/**
 * The `message` of the Kubernetes `Status` an API error carries (client-node keeps error bodies as text),
 * else the start of the body, else undefined.
 */
export function apiErrorMessage(error: ApiException<unknown>, maxLength = 500): string | undefined {
  let body: unknown = error.body;
  if (typeof error.body === 'string') {
    const text = error.body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim() === '' ? undefined : text.slice(0, maxLength);
    }
  }
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return undefined;
}
