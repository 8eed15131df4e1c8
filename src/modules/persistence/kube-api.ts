import { type CustomResourceMapping } from '../../plugin-api/index.js';
import { type KubernetesError, KubernetesUnavailableError, toKubernetesError } from '../kubernetes/index.js';
import { AgentStoreError } from './persistence.errors.js';

/** The resource a custom-resource store writes, as its error messages name it. */
type WrittenResource = Pick<CustomResourceMapping<object>, 'group' | 'plural' | 'kind'>;

/**
 * `error` as an {@link AgentStoreError} naming the operation and the record, built on the KubernetesModule's
 * error taxonomy: its `retryable` and `status` are those of the `KubernetesError` (its `cause`), and the
 * message adds what to do about writing `resource` in particular.
 */
export function toStoreError(
  error: unknown,
  resource: WrittenResource,
  operation: 'upsert' | 'remove' | 'list',
  record?: string,
): AgentStoreError {
  if (error instanceof AgentStoreError) return error;
  const failure = toKubernetesError(`${operation} ${resource.kind}`, error);
  const { status } = failure;
  return new AgentStoreError(
    `Kubernetes API ${operation}${record ? ` of ${record}` : ''} failed (${status ?? 'no answer'}) to ` +
      `${failure.operation}: ${failure.details}${hintFor(failure, resource)}`,
    {
      operation,
      retryable: failure.retryable,
      ...(record ? { record } : {}),
      ...(status ? { status } : {}),
    },
    { cause: failure },
  );
}

/** What to do about a failure to write `resource`, when the status says. */
function hintFor(failure: KubernetesError, resource: WrittenResource): string {
  switch (failure.status) {
    case undefined:
      return failure instanceof KubernetesUnavailableError && failure.reason === 'timeout'
        ? '; the request was aborted at its deadline: check that the API server is reachable from this pod ' +
            'and not overloaded (retrying meanwhile)'
        : '; check that the API server is reachable from this pod (retrying meanwhile)';
    case 401:
      return "; check the server's service account token or kubeconfig credentials";
    case 403:
      return (
        `; grant the service account ${resource.plural} get/list/create/delete, ` +
        `${resource.plural}/status update and pods get (see docs/deployment.md)`
      );
    case 404:
      return `; is the ${resource.kind} CRD (${resource.plural}.${resource.group}) installed? (see docs/deployment.md)`;
    case 400:
    case 422:
      return '; the record was rejected as invalid and will not be retried';
    default:
      return '';
  }
}
