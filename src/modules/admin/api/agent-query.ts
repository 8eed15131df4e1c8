import { BadRequestException } from '@nestjs/common';
import { agentAttributes, type FleetConfigs, type RolloutState } from '../../fleet/index.js';
import { type AgentSession } from '../../session/index.js';
import { type AgentSortKey, type ListAgentsQuery } from './api.schemas.js';
import { type AgentPlacement, placementOf } from './agent-placement.js';
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

/** A matching agent with what the listing computed for it once: its placement and its sort key. */
export interface AgentRow {
  readonly session: AgentSession;
  readonly placement: AgentPlacement;
  readonly key: string | number;
}

/** Whether `text` (lower case) occurs in the agent's id, service name, attributes or labels. */
function containsText(session: AgentSession, placement: AgentPlacement, text: string): boolean {
  const has = (value: string | null | undefined): boolean => value?.toLowerCase().includes(text) === true;
  if (has(session.displayId) || has(placement.serviceName)) return true;
  for (const [key, values] of agentAttributes(session)) {
    if (has(key)) return true;
    for (const value of values) if (has(value)) return true;
  }
  return false;
}

function sortKeyOf(
  sort: AgentSortKey,
  session: AgentSession,
  placement: AgentPlacement,
  state: () => RolloutState,
): string | number {
  switch (sort) {
    case 'id':
      return session.displayId;
    case 'lastSeen':
      return session.lastSeenAt;
    case 'health':
      return healthOf(session);
    case 'node':
    case 'namespace':
    case 'workload':
      return placement[sort] ?? '';
    case 'configState':
      return state();
  }
}

/**
 * The agents matching every filter of the query, in one pass, each with its placement and sort key.
 * `attr.*`, `node`, `namespace` and `workload` match exactly (`workload` also as `<kind>/<name>`); `q` is a
 * case-insensitive substring of the id, service name, an attribute key or value, or a label.
 */
export function filterAgents(
  sessions: readonly AgentSession[],
  query: ListAgentsQuery,
  attributes: ReadonlyArray<[string, string]>,
  fleet: FleetConfigs,
): AgentRow[] {
  const sort = query.sort ?? 'id';
  const text = query.q?.trim().toLowerCase() || undefined;
  const rows: AgentRow[] = [];
  for (const session of sessions) {
    if (query.transport && session.transport !== query.transport) continue;
    if (query.health && healthOf(session) !== query.health) continue;
    let source: ReturnType<FleetConfigs['sourceOf']> | undefined;
    const sourceOf = (): ReturnType<FleetConfigs['sourceOf']> => (source ??= fleet.sourceOf(session));
    if (query.config !== undefined && sourceOf().assignment?.config !== query.config) continue;
    if (query.state !== undefined && sourceOf().state !== query.state) continue;
    const placement = placementOf(session);
    if (query.node !== undefined && placement.node !== query.node) continue;
    if (query.namespace !== undefined && placement.namespace !== query.namespace) continue;
    if (
      query.workload !== undefined &&
      placement.workload !== query.workload &&
      `${placement.workloadKind}/${placement.workload}` !== query.workload
    ) {
      continue;
    }
    if (attributes.length > 0) {
      const values = agentAttributes(session);
      if (!attributes.every(([key, value]) => values.get(key)?.has(value) === true)) continue;
    }
    if (text !== undefined && !containsText(session, placement, text)) continue;
    rows.push({ session, placement, key: sortKeyOf(sort, session, placement, () => sourceOf().state) });
  }
  return rows;
}

/** Where a page ends: the sort, the order, and the last agent's sort key and id. */
type CursorPosition = [sort: AgentSortKey, order: 'asc' | 'desc', key: string | number, id: string];

const compareKeys = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

function decodeCursor(cursor: string, sort: AgentSortKey, order: 'asc' | 'desc'): CursorPosition {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const valid =
    Array.isArray(position) &&
    position.length === 4 &&
    (typeof position[2] === 'string' || typeof position[2] === 'number') &&
    typeof position[3] === 'string';
  if (!valid) throw new BadRequestException('invalid query: cursor: not a nextCursor of this API');
  const [cursorSort, cursorOrder] = position as CursorPosition;
  if (cursorSort !== sort || cursorOrder !== order) {
    throw new BadRequestException(
      `invalid query: cursor: it continues sort=${cursorSort}&order=${cursorOrder}; pass the same sort and order`,
    );
  }
  return position as CursorPosition;
}

const encodeCursor = (position: CursorPosition): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

/**
 * One page of rows sorted by `sort` (ties by id, ascending either way, so the order is total and stable)
 * and the cursor of the next page (null on the last). The cursor holds the last row's sort key and id, so
 * it resumes correctly when agents come and go between pages.
 */
export function paginate(
  rows: readonly AgentRow[],
  options: { sort?: AgentSortKey; order?: 'asc' | 'desc'; limit: number; cursor?: string },
): { page: AgentRow[]; nextCursor: string | null } {
  const sort = options.sort ?? 'id';
  const order = options.order ?? 'asc';
  const direction = order === 'desc' ? -1 : 1;
  const compare = (aKey: string | number, aId: string, bKey: string | number, bId: string): number =>
    direction * compareKeys(aKey, bKey) || compareKeys(aId, bId);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, sort, order);
  const rest = after
    ? rows.filter((row) => compare(row.key, row.session.displayId, after[2], after[3]) > 0)
    : [...rows];
  rest.sort((a, b) => compare(a.key, a.session.displayId, b.key, b.session.displayId));
  const page = rest.slice(0, options.limit);
  const last = page.at(-1);
  const nextCursor =
    rest.length > options.limit && last
      ? encodeCursor([sort, order, last.key, last.session.displayId])
      : null;
  return { page, nextCursor };
}
