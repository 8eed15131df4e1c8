import { type AgentListQuery } from '../api/admin-paths.js';
import {
  HEALTHS,
  ROLLOUT_STATES,
  TRANSPORTS,
  type Health,
  type RolloutState,
  type Transport,
} from '../api/admin-types.js';

/** The agents page's filters, as the address bar holds them (`/agents?health=unhealthy&attr=k%3Dv`). */
export interface AgentFilters {
  health: string;
  transport: string;
  state: string;
  config: string;
  node: string;
  namespace: string;
  /** `key=value` terms separated by commas. */
  attributes: string;
}

export const FILTER_NAMES: ReadonlyArray<keyof AgentFilters> = [
  'health',
  'transport',
  'state',
  'config',
  'node',
  'namespace',
  'attributes',
];

export function filtersFromSearch(search: string): AgentFilters {
  const params = new URLSearchParams(search);
  const get = (name: string) => params.get(name) ?? '';
  return {
    health: get('health'),
    transport: get('transport'),
    state: get('state'),
    config: get('config'),
    node: get('node'),
    namespace: get('namespace'),
    attributes: get('attributes'),
  };
}

export function searchFromFilters(filters: AgentFilters): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** `a=b, c=d` as pairs; a term without `=` is an error the form shows. */
export function parseAttributeTerms(text: string): { terms: Array<[string, string]>; error?: string } {
  const terms: Array<[string, string]> = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const at = term.indexOf('=');
    if (at <= 0) return { terms, error: `"${term}" is not key=value` };
    terms.push([term.slice(0, at).trim(), term.slice(at + 1).trim()]);
  }
  return { terms };
}

const oneOf = <T extends string>(values: readonly T[], value: string): T | undefined =>
  (values as readonly string[]).includes(value) ? (value as T) : undefined;

/** The list query the filters ask the server for (node and namespace are Kubernetes resource attributes). */
export function listQuery(filters: AgentFilters, limit: number, cursor: string | undefined): AgentListQuery {
  const query: AgentListQuery = { limit } as AgentListQuery;
  const health = oneOf<Health>(HEALTHS, filters.health);
  const transport = oneOf<Transport>(TRANSPORTS, filters.transport);
  const state = oneOf<RolloutState>(ROLLOUT_STATES, filters.state);
  if (health) query.health = health;
  if (transport) query.transport = transport;
  if (state) query.state = state;
  if (filters.config) query.config = filters.config;
  if (cursor) query.cursor = cursor;
  if (filters.node) query['attr.k8s.node.name'] = filters.node;
  if (filters.namespace) query['attr.k8s.namespace.name'] = filters.namespace;
  for (const [key, value] of parseAttributeTerms(filters.attributes).terms) query[`attr.${key}`] = value;
  return query;
}
