import { type NodeServer, serverInfoSchema, type ServerInfo } from '../admin/index.js';
import { type NodeAdminClient } from './node-admin.client.js';
import { type NodeContacts } from './node-contacts.js';
import { type NodeEndpoint } from './node-endpoint.js';

/** A node server's `GET /api/v1/server`, or undefined when it gave none that keeps to the contract. */
export function nodeServerInfo(
  endpoint: NodeEndpoint,
  client: NodeAdminClient,
  signal?: AbortSignal,
): Promise<ServerInfo | undefined> {
  return client
    .ok(
      endpoint,
      serverInfoSchema,
      (api, deadline) => api.GET('/api/v1/server', { signal: deadline }),
      signal,
    )
    .catch(() => undefined);
}

/** Asks a node server for its readiness and its identity (`GET /api/v1/server`), in parallel; never throws. */
export async function nodeStatusOf(
  endpoint: NodeEndpoint,
  client: NodeAdminClient,
  contacts: NodeContacts,
): Promise<NodeServer> {
  const [readiness, server] = await Promise.all([
    client.readiness(endpoint).catch(() => undefined),
    nodeServerInfo(endpoint, client),
  ]);
  const health = readiness === undefined ? 'unknown' : readiness === 200 ? 'ready' : 'unready';
  return {
    node: endpoint.node,
    address: endpoint.address,
    pod: endpoint.pod ?? null,
    endpointReady: endpoint.ready,
    health,
    version: server?.version ?? null,
    startedAt: server?.startedAt ?? null,
    agents: server?.agents ?? null,
    ...contacts.of(endpoint.node),
  };
}
