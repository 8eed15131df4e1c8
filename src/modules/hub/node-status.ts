import { type NodeAdminClient } from './node-admin.client.js';
import { type NodeContact, type NodeContacts } from './node-contacts.js';
import { type NodeEndpoint } from './node-endpoint.js';

/** One node server as `GET /api/v1/nodes` shows it. */
export interface NodeStatus extends NodeContact {
  readonly node: string;
  readonly address: string;
  readonly pod: string | null;
  /** The EndpointSlice's `ready` condition of its pod. */
  readonly endpointReady: boolean;
  /** Its `/readyz`: `ready` (200), `unready` (503 or another answer), `unknown` (no answer). */
  readonly health: 'ready' | 'unready' | 'unknown';
  /** Its version, when it reports one (`GET /api/v1/server`). */
  readonly version: string | null;
  /** When it started (`GET /api/v1/server`), or null. */
  readonly startedAt: string | null;
  /** Agents connected to it now; null when it did not say. */
  readonly agents: number | null;
}

const numberOr = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** Asks a node server for its readiness and its agent count, in parallel; never throws. */
export async function nodeStatusOf(
  endpoint: NodeEndpoint,
  client: NodeAdminClient,
  contacts: NodeContacts,
): Promise<NodeStatus> {
  const [readiness, server] = await Promise.allSettled([
    client.call(endpoint, { path: '/readyz', port: 'health' }),
    client.call<Record<string, unknown>>(endpoint, { path: '/api/v1/server' }),
  ]);
  let version: string | null = null;
  let startedAt: string | null = null;
  let agents: number | null = null;
  if (server.status === 'fulfilled' && server.value.status === 200) {
    const body = server.value.body;
    version = typeof body.version === 'string' ? body.version : null;
    startedAt = typeof body.startedAt === 'string' ? body.startedAt : null;
    agents = numberOr(body.agents);
  }
  if (agents === null) {
    // A node server older than GET /api/v1/server: the total of a one-item page.
    const page = await client
      .ok<{ total?: unknown }>(endpoint, { path: '/api/v1/agents?limit=1' })
      .catch(() => undefined);
    agents = numberOr(page?.total);
  }
  const health =
    readiness.status === 'rejected' ? 'unknown' : readiness.value.status === 200 ? 'ready' : 'unready';
  return {
    node: endpoint.node,
    address: endpoint.address,
    pod: endpoint.pod ?? null,
    endpointReady: endpoint.ready,
    health,
    version,
    startedAt,
    agents,
    ...contacts.of(endpoint.node),
  };
}
