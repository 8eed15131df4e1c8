import { ApiException } from '@kubernetes/client-node';
import { apiErrorMessage } from './kube-request-options.js';
import {
  KubernetesConflictError,
  KubernetesError,
  KubernetesNotFoundError,
  KubernetesRequestError,
  KubernetesUnavailableError,
} from './kubernetes.errors.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The error of an HTTP error answer: 429 and 5xx are unavailability, 404/409 their own classes. */
export function kubernetesErrorForStatus(
  operation: string,
  status: number,
  details: string,
  options?: ErrorOptions,
): KubernetesError {
  if (status === 429)
    return new KubernetesUnavailableError(operation, 'throttled', details, { ...options, status });
  if (status >= 500) {
    return new KubernetesUnavailableError(operation, 'server-error', details, { ...options, status });
  }
  if (status === 404) return new KubernetesNotFoundError(operation, details, options);
  if (status === 409) return new KubernetesConflictError(operation, details, options);
  return new KubernetesRequestError(operation, status, details, options);
}

/**
 * The error of a watch `ERROR` event, whose object is a `Status`
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes); a status
 * without a code counts as a 500.
 */
export function kubernetesErrorFromStatus(operation: string, status: unknown): KubernetesError {
  const code = isObject(status) && typeof status.code === 'number' ? status.code : 500;
  const message = isObject(status) && typeof status.message === 'string' ? status.message : 'ERROR event';
  return kubernetesErrorForStatus(operation, code, message);
}

/**
 * Turns anything a `@kubernetes/client-node` call threw into a {@link KubernetesError} naming `operation`:
 * - an `ApiException` (an HTTP error answer of the generated API classes) by its code;
 * - an error with a numeric `statusCode` (how client-node's `Watch` reports a refused watch) likewise;
 * - node-fetch's `FetchError` of type `request-timeout` as a `timeout`;
 * - anything else (connection refused or reset, DNS, TLS) as `unreachable`.
 * A {@link KubernetesError} is returned as it is.
 */
export function toKubernetesError(operation: string, error: unknown): KubernetesError {
  if (error instanceof KubernetesError) return error;
  if (error instanceof ApiException) {
    const details = apiErrorMessage(error, 200) ?? `HTTP ${error.code}`;
    return kubernetesErrorForStatus(operation, error.code, details, { cause: error });
  }
  const details = error instanceof Error ? error.message : String(error);
  if (isObject(error) && typeof error.statusCode === 'number') {
    return kubernetesErrorForStatus(operation, error.statusCode, details, { cause: error });
  }
  const timedOut = isObject(error) && error.type === 'request-timeout';
  return new KubernetesUnavailableError(operation, timedOut ? 'timeout' : 'unreachable', details, {
    cause: error,
  });
}
