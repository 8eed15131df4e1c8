import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  type AgentCursorPosition,
  decodeAgentCursor,
  encodeAgentCursor,
} from '../../../src/modules/hub/hub-cursor.js';
import {
  type AgentPage,
  type ListedAgent,
  mergeAgentPages,
  sortKeyOfListed,
} from '../../../src/modules/hub/merged-agent-list.js';
import { type NodeEndpoint } from '../../../src/modules/hub/node-endpoint.js';

const endpoint = (node: string): NodeEndpoint => ({ node, address: '127.0.0.1', adminPort: 1, ready: true });
type Sort = 'id' | 'lastSeen';
const compareKeys = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** What a node server answers: its agents in the order, the first `limit` after the cursor's position. */
function nodePage(
  agents: readonly ListedAgent[],
  sort: Sort,
  order: 'asc' | 'desc',
  limit: number,
  after: AgentCursorPosition | undefined,
): AgentPage {
  const direction = order === 'desc' ? -1 : 1;
  const compare = (aKey: string | number, aId: string, bKey: string | number, bId: string): number =>
    direction * compareKeys(aKey, bKey) || compareKeys(aId, bId);
  const rows = agents.map((agent) => ({ agent, key: sortKeyOfListed(sort, agent) }));
  const rest = rows
    .filter((row) => !after || compare(row.key, row.agent.id, after[2], after[3]) > 0)
    .sort((a, b) => compare(a.key, a.agent.id, b.key, b.agent.id));
  const page = rest.slice(0, limit);
  return {
    items: page.map((row) => row.agent),
    total: agents.length,
    nextCursor: rest.length > limit ? 'more' : null,
  };
}

describe('mergeAgentPages', () => {
  it('pages through every agent of every node exactly once, in order, whatever the sort and page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), seen: fc.integer({ min: 0, max: 5 }) }),
          { maxLength: 60, selector: (agent) => agent.id },
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<Sort>('id', 'lastSeen'),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        (specs, nodeCount, limit, sort, order) => {
          const agents: ListedAgent[] = specs.map(({ id, seen }) => ({
            id,
            lastSeen: new Date(Date.UTC(2026, 0, 1, 0, 0, seen)).toISOString(),
          }));
          const nodes = Array.from({ length: nodeCount }, (_, n) => ({
            endpoint: endpoint(`node-${n}`),
            agents: agents.filter((_, i) => i % nodeCount === n),
          }));
          const seen: Array<{ id: string; node: string }> = [];
          let cursor: string | undefined;
          for (let pages = 0; pages <= agents.length + 1; pages++) {
            const after = cursor === undefined ? undefined : decodeAgentCursor(cursor, sort, order);
            const merged = mergeAgentPages(
              nodes.map((node) => ({
                endpoint: node.endpoint,
                value: nodePage(node.agents, sort, order, limit, after),
              })),
              limit,
              sort,
              order,
            );
            expect(merged.total).toBe(agents.length);
            expect(merged.items.length).toBeLessThanOrEqual(limit);
            seen.push(...merged.items.map(({ id, node }) => ({ id, node })));
            const last = merged.items.at(-1);
            if (!merged.more || !last) break;
            cursor = encodeAgentCursor([sort, order, sortKeyOfListed(sort, last), last.id]);
          }
          const direction = order === 'desc' ? -1 : 1;
          const expected = nodes
            .flatMap((node) => node.agents.map((agent) => ({ agent, node: node.endpoint.node })))
            .sort(
              (a, b) =>
                direction * compareKeys(sortKeyOfListed(sort, a.agent), sortKeyOfListed(sort, b.agent)) ||
                compareKeys(a.agent.id, b.agent.id),
            )
            .map(({ agent, node }) => ({ id: agent.id, node }));
          expect(seen).toEqual(expected);
        },
      ),
    );
  });
});

describe('agent cursor', () => {
  it('reads back what it wrote', () => {
    const position: AgentCursorPosition = ['lastSeen', 'desc', 1_700_000_000_000, 'a/b c'];
    expect(decodeAgentCursor(encodeAgentCursor(position), 'lastSeen', 'desc')).toEqual(position);
  });

  it('refuses garbage, and a cursor of another sort or order, as a bad request', () => {
    const ofId = encodeAgentCursor(['id', 'asc', 'x', 'x']);
    for (const [text, sort, order] of [
      ['%%%', 'id', 'asc'],
      [Buffer.from('"x"').toString('base64url'), 'id', 'asc'],
      [ofId, 'lastSeen', 'asc'],
      [ofId, 'id', 'desc'],
    ] as const) {
      expect(() => decodeAgentCursor(text, sort, order)).toThrow(
        expect.objectContaining({ status: 400 }) as unknown as Error,
      );
    }
  });
});
