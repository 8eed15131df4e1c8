import { type NodeEndpoint } from './node-endpoint.js';

/** One agent of a node's `GET /api/v1/agents` page: its `id` and whatever else the node says. */
export interface ListedAgent {
  readonly id: string;
  readonly [field: string]: unknown;
}

/** A node's `GET /api/v1/agents` answer. */
export interface AgentPage {
  readonly items: readonly ListedAgent[];
  readonly total: number;
  readonly nextCursor: string | null;
}

/** An agent of the hub's list: the node's item and the node serving it. */
export type HubListedAgent = ListedAgent & { readonly node: string };

/** One merged page. */
export interface MergedAgentPage {
  readonly items: HubListedAgent[];
  /** Agents matching the filters over every node that answered. */
  readonly total: number;
  /** Whether any node has agents after the last item. */
  readonly more: boolean;
}

const byId = (a: ListedAgent, b: ListedAgent): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Merges the nodes' pages, each the first `limit` agents after the same key in the same order, into the
 * first `limit` agents over all nodes: agent ids are instance uids, unique across nodes, so the merged
 * order is total and the next page resumes after the last item's key, on every node.
 */
export function mergeAgentPages(
  pages: ReadonlyArray<{ readonly endpoint: NodeEndpoint; readonly value: AgentPage }>,
  limit: number,
): MergedAgentPage {
  const all: HubListedAgent[] = [];
  let total = 0;
  let nodeHasMore = false;
  for (const { endpoint, value } of pages) {
    total += value.total;
    nodeHasMore ||= value.nextCursor !== null;
    for (const item of value.items) all.push({ ...item, node: endpoint.node });
  }
  all.sort(byId);
  return { items: all.slice(0, limit), total, more: nodeHasMore || all.length > limit };
}
