import { BadRequestException } from '@nestjs/common';
import { type AgentSortKey } from '../admin/index.js';

/** Where a page ends: the sort, the order, and the last agent's sort key and id. */
export type AgentCursorPosition = readonly [
  sort: AgentSortKey,
  order: 'asc' | 'desc',
  key: string | number,
  id: string,
];

/**
 * A `nextCursor` in the node servers' own format (`GET /api/v1/agents`: base64url JSON of sort, order, the last
 * agent's sort key and id). A position in a total order means the same on every node, so the hub hands the
 * caller's cursor to every node unchanged and writes its own the same way.
 */
export const encodeAgentCursor = (position: AgentCursorPosition): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

const invalid = (message: string): BadRequestException =>
  new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `invalid query: cursor: ${message}`,
  });

/**
 * Reads a cursor and checks it continues this sort and order.
 * @throws BadRequestException for anything else.
 */
export function decodeAgentCursor(
  text: string,
  sort: AgentSortKey,
  order: 'asc' | 'desc',
): AgentCursorPosition {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const valid =
    Array.isArray(position) &&
    position.length === 4 &&
    (typeof position[2] === 'string' || typeof position[2] === 'number') &&
    typeof position[3] === 'string';
  if (!valid) throw invalid('not a nextCursor of this API (pass nextCursor of the previous page)');
  const [cursorSort, cursorOrder] = position as AgentCursorPosition;
  if (cursorSort !== sort || cursorOrder !== order) {
    throw invalid(`it continues sort=${cursorSort}&order=${cursorOrder}; pass the same sort and order`);
  }
  return position as AgentCursorPosition;
}
