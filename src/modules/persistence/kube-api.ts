import { ApiException, type ConfigurationOptions } from '@kubernetes/client-node';
import { abortableBy, apiErrorMessage, apiStatusOf } from '../kubernetes/index.js';
import { AgentStoreError } from './persistence.errors.js';

/**
 * Per-call options of `@kubernetes/client-node` that abort the request after `timeoutMs` (the client has no
 * timeout of its own, and a hung API server would otherwise hold a write forever).
 */
export function withRequestTimeout(timeoutMs: number): ConfigurationOptions {
  return abortableBy(AbortSignal.timeout(timeoutMs));
}

/**
 * Whether retrying can help: no answer at all (connection refused or reset, timeout), 5xx, 429 throttling,
 * 401/403 (credentials rotate, RBAC gets fixed) and 404/409 races. A 400 or 422 means the object itself was
 * rejected and will be again.
 */
export function isRetryableKubeError(error: unknown): boolean {
  const status = apiStatusOf(error);
  if (status === undefined) return true;
  return status !== 400 && status !== 422 && status !== 413;
}

/** `error` as an {@link AgentStoreError} naming the operation and the record. */
export function toStoreError(
  error: unknown,
  operation: 'upsert' | 'remove' | 'list',
  record?: string,
): AgentStoreError {
  if (error instanceof AgentStoreError) return error;
  const status = apiStatusOf(error);
  const detail =
    error instanceof ApiException
      ? (apiErrorMessage(error) ?? `HTTP ${String(error.code)}`)
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return new AgentStoreError(
    `Kubernetes API ${operation}${record ? ` of ${record}` : ''} failed (${status ?? 'no answer'}): ${detail}${hintFor(status)}`,
    {
      operation,
      retryable: isRetryableKubeError(error),
      ...(record ? { record } : {}),
      ...(status ? { status } : {}),
    },
    { cause: error },
  );
}

/** What to do about a failure, when the status says. */
function hintFor(status: number | undefined): string {
  switch (status) {
    case undefined:
      return '; check that the API server is reachable from this pod (retrying meanwhile)';
    case 401:
      return "; check the server's service account token or kubeconfig credentials";
    case 403:
      return (
        '; grant the service account instrumentationinstances get/list/create/delete, ' +
        'instrumentationinstances/status update and pods get (see deploy/)'
      );
    case 404:
      return (
        '; is the InstrumentationInstance CRD installed? ' +
        'kubectl apply -f deploy/crds/instrumentationinstances.odigos.io.yaml'
      );
    case 400:
    case 422:
      return '; the record was rejected as invalid and will not be retried';
    default:
      return '';
  }
}
