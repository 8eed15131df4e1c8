import { authorizedFetch, api, unwrap } from '../api/admin-client.js';
import {
  hasOdigos,
  hubForwardsPlugins,
  type NodeOdigosWorkloads,
  nodeWorkloadsThroughHub,
  thisServerWorkloads,
} from '../api/odigos-workloads.js';
import { serverHas } from '../api/server-features.js';
import { OdigosWorkloads } from '../components/odigos-workloads.js';
import { Badge, ErrorNote, Time } from '../components/status.js';
import { useLoad } from '../use-load.js';

/** One node server as the nodes page shows it. */
interface NodeRow {
  name: string;
  address: string;
  healthy: boolean | null;
  version: string;
  agents: number | null;
  lastContact: string | null;
  error: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const count = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** `GET /api/v1/nodes` of a hub; null when this server is a single node server without it. */
async function hubNodes(): Promise<NodeRow[] | null> {
  if (!(await serverHas('/api/v1/nodes'))) return null;
  const response = await authorizedFetch('/api/v1/nodes');
  if (!response.ok) throw new Error(`GET /api/v1/nodes answered ${response.status}`);
  const body = (await response.json()) as { items?: Array<Record<string, unknown>> };
  return (body.items ?? []).map((node) => ({
    name: text(node.node) || text(node.address),
    address: text(node.address),
    // The hub's view of a node: its /readyz answered 200 (ready), something else (unready), or nothing.
    healthy: node.health === 'ready' ? true : node.health === 'unready' ? false : null,
    version: text(node.version),
    agents: count(node.agents),
    lastContact: text(node.lastContact) || null,
    error: text(node.lastError),
  }));
}

/** This server alone (`GET /api/v1/server`). */
async function thisServer(): Promise<NodeRow[]> {
  const server = unwrap(await api.GET('/api/v1/server'));
  return [
    {
      name: server.nodeName,
      address: window.location.host,
      healthy: true,
      version: server.version,
      agents: server.agents,
      lastContact: new Date().toISOString(),
      error: '',
    },
  ];
}

/**
 * The Odigos workloads of each node: on a node server with the Odigos plugin, its own; on a hub, every
 * node's, through the hub. Null when there is nothing to show (no plugin, or a hub that cannot forward).
 */
async function odigosWorkloadsOf(hub: boolean, nodes: NodeRow[]): Promise<NodeOdigosWorkloads[] | null> {
  if (hub) {
    if (!(await hubForwardsPlugins())) return null;
    return Promise.all(nodes.map((node) => nodeWorkloadsThroughHub(node.name)));
  }
  if (!(await hasOdigos())) return null;
  return [await thisServerWorkloads(nodes[0]!.name)];
}

/**
 * The node servers: a hub's list of them, or this server when it serves its own node only; with the Odigos
 * plugin, each node's workloads and their InstrumentationInstances.
 */
export function NodesPage() {
  const { data, error } = useLoad(async () => {
    const listed = await hubNodes();
    const hub = listed !== null;
    const nodes = listed ?? (await thisServer());
    return { hub, nodes, odigos: await odigosWorkloadsOf(hub, nodes) };
  }, 'nodes');
  return (
    <section aria-labelledby="nodes-title">
      <h1 id="nodes-title">Nodes</h1>
      <ErrorNote message={error} />
      {data && (
        <p class="muted">
          {data.hub ? 'The node servers this hub reaches.' : 'This server serves the agents of its own node.'}
        </p>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Node server</th>
              <th scope="col">Address</th>
              <th scope="col">State</th>
              <th scope="col">Version</th>
              <th scope="col">Agents</th>
              <th scope="col">Last contact</th>
            </tr>
          </thead>
          <tbody>
            {data?.nodes.map((node) => (
              <tr key={node.name}>
                <td>
                  {data.hub ? (
                    <a href={`/agents?node=${encodeURIComponent(node.name)}`}>{node.name}</a>
                  ) : (
                    node.name
                  )}
                </td>
                <td>{node.address}</td>
                <td>
                  <Badge kind={node.healthy === false ? 'unhealthy' : node.healthy ? 'healthy' : 'unknown'}>
                    {node.healthy === false ? 'not ready' : node.healthy ? 'ready' : 'no answer'}
                  </Badge>
                  {node.error && <span class="error-text"> {node.error}</span>}
                </td>
                <td>{node.version || '—'}</td>
                <td>{node.agents ?? '—'}</td>
                <td>
                  <Time iso={node.lastContact} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data?.odigos?.map((entry) => (
        <OdigosWorkloads key={entry.node} entry={entry} />
      ))}
    </section>
  );
}
