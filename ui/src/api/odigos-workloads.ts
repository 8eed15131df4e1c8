import { type AdminApiSchemas } from '../../../src/client/index.js';
import { api, ApiCallError, authorizedFetch, unwrap } from './admin-client.js';
import { serverHas } from './server-features.js';

export type OdigosWorkloadList = AdminApiSchemas['OdigosWorkloadList'];
export type OdigosWorkload = AdminApiSchemas['OdigosWorkload'];
export type OdigosInstance = AdminApiSchemas['OdigosInstrumentationInstance'];

/** One node's Odigos workloads: the list, `absent` when the node runs no Odigos plugin, or its error. */
export type NodeOdigosWorkloads =
  | { readonly node: string; readonly state: 'listed'; readonly list: OdigosWorkloadList }
  | { readonly node: string; readonly state: 'absent' }
  | { readonly node: string; readonly state: 'failed'; readonly error: string };

const ODIGOS = 'odigos';

/**
 * Whether each node's server runs the Odigos plugin, asked once per node for as long as the page lives (the
 * nodes page reloads on every live change; a node's plugins change only with a new deployment).
 */
const odigosByNode = new Map<string, boolean>();

/** Whether this (node) server runs the Odigos plugin: its document has the plugin's route. */
export const hasOdigos = (): Promise<boolean> => serverHas('/api/v1/odigos/workloads');

/** This node server's workloads (`GET /api/v1/odigos/workloads`). */
export async function thisServerWorkloads(node: string): Promise<NodeOdigosWorkloads> {
  try {
    return { node, state: 'listed', list: unwrap(await api.GET('/api/v1/odigos/workloads')) };
  } catch (error) {
    return { node, state: 'failed', error: (error as Error).message };
  }
}

async function hubGet<T>(path: string): Promise<T> {
  const response = await authorizedFetch(path);
  const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
  if (!response.ok) {
    const message =
      typeof body?.message === 'string' ? body.message : `${response.status} ${response.statusText}`;
    throw new ApiCallError(response.status, message);
  }
  return body as T;
}

/** Whether a hub forwards plugin routes to its nodes. */
export const hubForwardsPlugins = (): Promise<boolean> =>
  serverHas('/api/v1/nodes/{node}/plugins/{plugin}/{route}');

/**
 * One node's workloads through a hub: its plugins first (`GET /api/v1/nodes/{node}/server`), so a node
 * without Odigos is not asked for a route it does not have.
 */
export async function nodeWorkloadsThroughHub(node: string): Promise<NodeOdigosWorkloads> {
  const base = `/api/v1/nodes/${encodeURIComponent(node)}`;
  try {
    let runsOdigos = odigosByNode.get(node);
    if (runsOdigos === undefined) {
      const server = await hubGet<{ plugins?: Array<{ name?: unknown }> }>(`${base}/server`);
      runsOdigos = (server.plugins ?? []).some((plugin) => plugin.name === ODIGOS);
      odigosByNode.set(node, runsOdigos);
    }
    if (!runsOdigos) return { node, state: 'absent' };
    const list = await hubGet<OdigosWorkloadList>(`${base}/plugins/${ODIGOS}/workloads`);
    return { node, state: 'listed', list };
  } catch (error) {
    // Ask again next time: the node may have been replaced by one with other plugins.
    odigosByNode.delete(node);
    return { node, state: 'failed', error: (error as Error).message };
  }
}
