/**
 * Why a node server gave no usable answer: `timeout` (none within `HUB_NODE_TIMEOUT_S`), `unreachable` (no
 * connection, or the EndpointSlice names no admin port), `error` (it answered with an error status or a body
 * that is not JSON).
 */
export type NodeFailureReason = 'timeout' | 'error' | 'unreachable';

/** A call from the hub to one node server failed. */
export class NodeCallError extends Error {
  override readonly name = 'NodeCallError';

  constructor(
    /** The node whose server was called. */
    readonly node: string,
    readonly reason: NodeFailureReason,
    /** What went wrong, for the answer's `missingNodes` and the node list. */
    readonly detail: string,
    /** HTTP status of the answer, when there was one. */
    readonly status?: number,
  ) {
    super(`node server of ${node}: ${reason} (${detail})`);
  }
}
