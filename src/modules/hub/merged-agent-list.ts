import { type AgentSortKey } from '../admin/index.js';
import { type NodeEndpoint } from './node-endpoint.js';

/** One agent of a node's `GET /api/v1/agents` page (an `AgentSummary`): the fields the hub sorts by. */
export interface ListedAgent {
  readonly id: string;
  readonly lastSeen?: string;
  readonly health?: string;
  readonly node?: string | null;
  readonly namespace?: string | null;
  readonly workload?: string | null;
  readonly remoteConfig?: { readonly state?: string };
  readonly [field: string]: unknown;
}

/** A node's `GET /api/v1/agents` answer. */
export interface AgentPage<A extends ListedAgent = ListedAgent> {
  readonly items: readonly A[];
  readonly total: number;
  readonly nextCursor: string | null;
}

/** An agent of the hub's list: the node's item, `node` naming the node server that holds it. */
export type HubListedAgent<A extends ListedAgent = ListedAgent> = A & { node: string };

/** One merged page. */
export interface MergedAgentPage<A extends ListedAgent = ListedAgent> {
  readonly items: Array<HubListedAgent<A>>;
  /** Agents matching the filters over every node that answered. */
  readonly total: number;
  /** Whether any node has agents after the last item. */
  readonly more: boolean;
}

/**
 * The sort key a node server sorts a listed agent by (as `sortKeyOf` in the admin module's agent query):
 * `lastSeen` in epoch ms, placement fields with `''` for none, the rollout state for `configState`.
 */
export function sortKeyOfListed(sort: AgentSortKey, agent: ListedAgent): string | number {
  switch (sort) {
    case 'id':
      return agent.id;
    case 'lastSeen':
      return Date.parse(agent.lastSeen ?? '') || 0;
    case 'health':
      return agent.health ?? '';
    case 'node':
    case 'namespace':
    case 'workload':
      return agent[sort] ?? '';
    case 'configState':
      return agent.remoteConfig?.state ?? '';
  }
}

const compareKeys = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Merges the nodes' pages, each the first `limit` agents after the same position in the same order (the
 * sort key in `order`, ties by id ascending), into the first `limit` agents over all nodes. Agent ids are
 * instance uids, unique across nodes, so the order is total and the next page resumes after the last item's
 * position on every node.
 */
export function mergeAgentPages<A extends ListedAgent>(
  pages: ReadonlyArray<{ readonly endpoint: NodeEndpoint; readonly value: AgentPage<A> }>,
  limit: number,
  sort: AgentSortKey = 'id',
  order: 'asc' | 'desc' = 'asc',
): MergedAgentPage<A> {
  const direction = order === 'desc' ? -1 : 1;
  const rows: Array<{ key: string | number; item: HubListedAgent<A> }> = [];
  let total = 0;
  let nodeHasMore = false;
  for (const { endpoint, value } of pages) {
    total += value.total;
    nodeHasMore ||= value.nextCursor !== null;
    // The hub's `node` is the node server's: the same as the agent's own placement in a cluster, and known
    // even where the node server could not place the agent.
    for (const item of value.items)
      rows.push({ key: sortKeyOfListed(sort, item), item: { ...item, node: endpoint.node } });
  }
  rows.sort((a, b) => direction * compareKeys(a.key, b.key) || compareKeys(a.item.id, b.item.id));
  return {
    items: rows.slice(0, limit).map((row) => row.item),
    total,
    more: nodeHasMore || rows.length > limit,
  };
}
