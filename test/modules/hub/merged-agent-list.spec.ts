import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeHubCursor, encodeHubCursor } from '../../../src/modules/hub/hub-cursor.js';
import { type AgentPage, mergeAgentPages } from '../../../src/modules/hub/merged-agent-list.js';
import { type NodeEndpoint } from '../../../src/modules/hub/node-endpoint.js';

const endpoint = (node: string): NodeEndpoint => ({ node, address: '127.0.0.1', adminPort: 1, ready: true });

/** What a node server answers: its agents in id order, the first `limit` after `after`. */
function nodePage(ids: readonly string[], limit: number, after: string | undefined): AgentPage {
  const sorted = [...ids].sort();
  const rest = after === undefined ? sorted : sorted.filter((id) => id > after);
  const items = rest.slice(0, limit).map((id) => ({ id }));
  return { items, total: ids.length, nextCursor: rest.length > limit ? `after-${items.at(-1)!.id}` : null };
}

describe('mergeAgentPages', () => {
  it('pages through every agent of every node exactly once, in id order, whatever the page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        (ids, nodeCount, limit) => {
          const nodes = Array.from({ length: nodeCount }, (_, n) => ({
            endpoint: endpoint(`node-${n}`),
            ids: ids.filter((_, i) => i % nodeCount === n),
          }));
          const seen: Array<{ id: string; node: string }> = [];
          let cursor: string | undefined;
          for (let pages = 0; pages <= ids.length + 1; pages++) {
            const after = cursor === undefined ? undefined : decodeHubCursor(cursor).after;
            const merged = mergeAgentPages(
              nodes.map(({ endpoint: e, ids: own }) => ({ endpoint: e, value: nodePage(own, limit, after) })),
              limit,
            );
            expect(merged.total).toBe(ids.length);
            expect(merged.items.length).toBeLessThanOrEqual(limit);
            seen.push(...merged.items.map(({ id, node }) => ({ id, node })));
            const last = merged.items.at(-1);
            if (!merged.more || !last) break;
            cursor = encodeHubCursor({ after: last.id });
          }
          const expected = nodes
            .flatMap(({ endpoint: e, ids: own }) => own.map((id) => ({ id, node: e.node })))
            .sort((a, b) => (a.id < b.id ? -1 : 1));
          expect(seen).toEqual(expected);
        },
      ),
    );
  });
});

describe('hub cursor', () => {
  it('reads back what it wrote', () => {
    expect(decodeHubCursor(encodeHubCursor({ after: 'a/b c' }))).toEqual({ after: 'a/b c' });
  });

  it("refuses a node's cursor and garbage as a bad request", () => {
    for (const text of [
      Buffer.from('agent-id').toString('base64url'),
      '%%%',
      encodeHubCursor({ after: 'x' }).slice(2),
    ]) {
      expect(() => decodeHubCursor(text)).toThrow(
        expect.objectContaining({ status: 400 }) as unknown as Error,
      );
    }
  });
});
