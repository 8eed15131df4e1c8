import { describe, expect, it } from '@jest/globals';
import { fanOut, partialMarks } from '../../../src/modules/hub/fan-out.js';
import { NodeCallError } from '../../../src/modules/hub/node-call.errors.js';
import { type NodeEndpoint } from '../../../src/modules/hub/node-endpoint.js';

const endpoints = (count: number): NodeEndpoint[] =>
  Array.from({ length: count }, (_, i) => ({
    node: `node-${i}`,
    address: '127.0.0.1',
    adminPort: 1,
    ready: true,
  }));

describe('fanOut', () => {
  it('never has more calls under way than its concurrency, and calls every node once', async () => {
    let running = 0;
    let highest = 0;
    const called: string[] = [];
    const result = await fanOut(endpoints(10), 3, async (endpoint) => {
      running++;
      highest = Math.max(highest, running);
      called.push(endpoint.node);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      return endpoint.node;
    });
    expect(highest).toBe(3);
    expect(called.sort()).toEqual(
      endpoints(10)
        .map((e) => e.node)
        .sort(),
    );
    expect(result.answers.map((a) => a.value)).toEqual(endpoints(10).map((e) => e.node));
    expect(result.missing).toEqual([]);
  });

  it('names every node whose call failed, with its reason, and keeps the others', async () => {
    const result = await fanOut(endpoints(3), 8, async (endpoint) => {
      if (endpoint.node === 'node-1')
        throw new NodeCallError('node-1', 'timeout', 'no answer within 2000 ms');
      if (endpoint.node === 'node-2') throw new TypeError('bad body');
      return 1;
    });
    expect(result.answers.map((a) => a.endpoint.node)).toEqual(['node-0']);
    expect(result.missing).toEqual([
      { node: 'node-1', reason: 'timeout', detail: 'no answer within 2000 ms' },
      { node: 'node-2', reason: 'error', detail: 'bad body' },
    ]);
    expect(partialMarks(result.missing)).toEqual({ partial: true, missingNodes: result.missing });
    expect(partialMarks([])).toEqual({ partial: false, missingNodes: [] });
  });

  it('answers at once with nothing when there are no nodes', async () => {
    expect(await fanOut([], 4, async () => 1)).toEqual({ answers: [], missing: [] });
  });
});
