import { type ConfigurationOptions } from '@kubernetes/client-node';
import { callKubernetesApi } from './kube-api-deadline.js';
import { KubernetesUnavailableError } from './kubernetes.errors.js';

/** One complete list of a resource. */
export interface ResourceList {
  /** The objects, as the client returned them. */
  readonly items: readonly unknown[];
  /** `metadata.resourceVersion` of the list, to watch from; `''` when the server sent none. */
  readonly resourceVersion: string;
}

/** What {@link listResource} calls, and within what deadline. */
export interface ListRequest {
  /** For errors, e.g. `list pods on node node-1`. */
  readonly operation: string;
  /** Deadline of the list, ms. */
  readonly deadlineMs: number;
  /** Aborts the list (the reflector stops). */
  readonly signal: AbortSignal;
  /** The client call; must hand `options` on so it can be aborted. */
  readonly list: (options: ConfigurationOptions) => Promise<unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `metadata.resourceVersion` of a Kubernetes object or list, when it has a non-empty one. */
export function resourceVersionOf(object: unknown): string | undefined {
  const version = isObject(object) && isObject(object.metadata) ? object.metadata.resourceVersion : undefined;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/**
 * Lists a resource with a deadline.
 * @throws {KubernetesError} the list failed, or the answer is not a list (as `server-error`).
 */
export async function listResource(request: ListRequest): Promise<ResourceList> {
  const { operation, deadlineMs, signal } = request;
  const answer = await callKubernetesApi({ operation, deadlineMs, signal }, request.list);
  if (!isObject(answer) || !Array.isArray(answer.items)) {
    throw new KubernetesUnavailableError(operation, 'server-error', 'the answer is not a list');
  }
  return { items: answer.items, resourceVersion: resourceVersionOf(answer) ?? '' };
}
