import { agentAttributes, type FleetConfigs } from '../../fleet/index.js';
import { type AgentSession } from '../../session/index.js';
import { type ListAgentsQuery } from './api.schemas.js';
import { healthOf } from './agent-view.js';

/** Prefix of the attribute filters of `GET /api/v1/agents`: `attr.service.name=checkout`. */
export const ATTRIBUTE_FILTER_PREFIX = 'attr.';

/** Default page size of `GET /api/v1/agents`. */
export const DEFAULT_PAGE_SIZE = 100;

/** The `attr.<key>=<value>` filters of a query (a repeated one must match every value). */
export function attributeFilters(query: Record<string, unknown>): Array<[string, string]> {
  const filters: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(query)) {
    if (!name.startsWith(ATTRIBUTE_FILTER_PREFIX) || name.length === ATTRIBUTE_FILTER_PREFIX.length) continue;
    const key = name.slice(ATTRIBUTE_FILTER_PREFIX.length);
    for (const one of Array.isArray(value) ? value : [value]) filters.push([key, String(one)]);
  }
  return filters;
}

/** The agents matching every filter of the query. */
export function filterAgents(
  sessions: readonly AgentSession[],
  query: ListAgentsQuery,
  attributes: ReadonlyArray<[string, string]>,
  fleet: FleetConfigs,
): AgentSession[] {
  return sessions.filter((session) => {
    if (query.transport && session.transport !== query.transport) return false;
    if (query.health && healthOf(session) !== query.health) return false;
    if (query.config !== undefined || query.state !== undefined) {
      const source = fleet.sourceOf(session);
      if (query.config !== undefined && source.assignment?.config !== query.config) return false;
      if (query.state !== undefined && source.state !== query.state) return false;
    }
    if (attributes.length === 0) return true;
    const values = agentAttributes(session);
    return attributes.every(([key, value]) => values.get(key)?.has(value) === true);
  });
}

/** The cursor that resumes a listing after the agent with display id `id`. */
export const cursorAfter = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/** One page of agents in display-id order, and the cursor of the next page (null on the last). */
export function paginate(
  sessions: readonly AgentSession[],
  limit: number,
  cursor: string | undefined,
): { page: AgentSession[]; nextCursor: string | null } {
  const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
  const sorted = [...sessions].sort((a, b) =>
    a.displayId < b.displayId ? -1 : a.displayId > b.displayId ? 1 : 0,
  );
  const rest = after === undefined ? sorted : sorted.filter((session) => session.displayId > after);
  const page = rest.slice(0, limit);
  const nextCursor = rest.length > limit ? cursorAfter(page.at(-1)!.displayId) : null;
  return { page, nextCursor };
}
