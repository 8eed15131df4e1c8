import { BadRequestException } from '@nestjs/common';

/** Where a hub listing resumes: after the agent with this id (the order the nodes list in). */
export interface HubCursor {
  readonly after: string;
}

/** The opaque `nextCursor` of a hub listing. */
export const encodeHubCursor = (cursor: HubCursor): string =>
  Buffer.from(JSON.stringify({ v: 1, ...cursor }), 'utf8').toString('base64url');

/**
 * Reads a `cursor` the hub gave out.
 * @throws BadRequestException for anything else (a node's cursor is not a hub cursor).
 */
export function decodeHubCursor(text: string): HubCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'v' in parsed &&
      parsed.v === 1 &&
      'after' in parsed &&
      typeof parsed.after === 'string'
    ) {
      return { after: parsed.after };
    }
  } catch {
    // not base64url JSON: refused below
  }
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'invalid query: cursor: not a cursor this hub gave out (pass nextCursor of the previous page)',
  });
}
