import {
  AGENT_SORTS,
  HEALTHS,
  ROLLOUT_STATES,
  TRANSPORTS,
  type AgentListQuery,
  type AgentSort,
  type Health,
  type RolloutState,
  type Transport,
} from '../api/admin-types.js';

/** The agents page's filters and sort, as the address bar holds them (`/agents?health=unhealthy&q=cart`). */
export interface AgentFilters {
  q: string;
  health: string;
  transport: string;
  state: string;
  config: string;
  node: string;
  namespace: string;
  workload: string;
  /** `key=value` terms separated by commas. */
  attributes: string;
  sort: string;
  order: string;
}

export const FILTER_NAMES: ReadonlyArray<keyof AgentFilters> = [
  'q',
  'health',
  'transport',
  'state',
  'config',
  'node',
  'namespace',
  'workload',
  'attributes',
  'sort',
  'order',
];

export function filtersFromSearch(search: string): AgentFilters {
  const params = new URLSearchParams(search);
  const filters = {} as AgentFilters;
  for (const name of FILTER_NAMES) filters[name] = params.get(name) ?? '';
  return filters;
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

/** The list query the filters ask the server for: it filters, sorts and pages. */
export function listQuery(filters: AgentFilters, limit: number, cursor: string | undefined): AgentListQuery {
  const query = { limit } as AgentListQuery;
  const health = oneOf<Health>(HEALTHS, filters.health);
  const transport = oneOf<Transport>(TRANSPORTS, filters.transport);
  const state = oneOf<RolloutState>(ROLLOUT_STATES, filters.state);
  const sort = oneOf<AgentSort>(AGENT_SORTS, filters.sort);
  if (health) query.health = health;
  if (transport) query.transport = transport;
  if (state) query.state = state;
  if (sort) query.sort = sort;
  if (filters.order === 'desc') query.order = 'desc';
  for (const name of ['q', 'config', 'node', 'namespace', 'workload'] as const) {
    if (filters[name]) query[name] = filters[name];
  }
  if (cursor) query.cursor = cursor;
  for (const [key, value] of parseAttributeTerms(filters.attributes).terms) query[`attr.${key}`] = value;
  return query;
}
