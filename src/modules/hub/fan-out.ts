import { NodeCallError, type NodeFailureReason } from './node-call.errors.js';
import { type NodeEndpoint } from './node-endpoint.js';

/** A node server that gave no usable answer, as partial answers name it. */
export type MissingNode = {
  readonly node: string;
  readonly reason: NodeFailureReason;
  readonly detail: string;
};

/** What every node answered, and the nodes that did not. */
export interface FanOutResult<T> {
  /** Answers by node, in the order of the nodes given. */
  readonly answers: ReadonlyArray<{ readonly endpoint: NodeEndpoint; readonly value: T }>;
  readonly missing: readonly MissingNode[];
}

/**
 * Calls every node with at most `concurrency` calls under way at once (each call carries its own deadline,
 * so the whole takes at most ceil(nodes / concurrency) deadlines). A call that throws makes its node missing;
 * nothing is dropped silently.
 */
export async function fanOut<T>(
  endpoints: readonly NodeEndpoint[],
  concurrency: number,
  call: (endpoint: NodeEndpoint) => Promise<T>,
): Promise<FanOutResult<T>> {
  const outcomes: Array<{ value: T } | { missing: MissingNode }> = new Array(endpoints.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < endpoints.length) {
      const index = next++;
      const endpoint = endpoints[index]!;
      try {
        outcomes[index] = { value: await call(endpoint) };
      } catch (error) {
        outcomes[index] = { missing: missingNodeOf(endpoint.node, error) };
      }
    }
  };
  const workers = Math.max(1, Math.min(concurrency, endpoints.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const answers: Array<{ endpoint: NodeEndpoint; value: T }> = [];
  const missing: MissingNode[] = [];
  outcomes.forEach((outcome, index) => {
    if ('value' in outcome) answers.push({ endpoint: endpoints[index]!, value: outcome.value });
    else missing.push(outcome.missing);
  });
  return { answers, missing };
}

/** A failed call as a {@link MissingNode}. */
export function missingNodeOf(node: string, error: unknown): MissingNode {
  if (error instanceof NodeCallError) return { node, reason: error.reason, detail: error.detail };
  return { node, reason: 'error', detail: error instanceof Error ? error.message : String(error) };
}

/** `partial` and `missingNodes` of an answer built from a fan-out: partial when any node is missing. */
export function partialMarks(missing: readonly MissingNode[]): {
  partial: boolean;
  missingNodes: MissingNode[];
} {
  return { partial: missing.length > 0, missingNodes: [...missing] };
}
