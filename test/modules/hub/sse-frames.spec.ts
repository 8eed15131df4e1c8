import { describe, expect, it } from '@jest/globals';
import { type SseFrame, sseFrames } from '../../../src/modules/hub/sse-frames.js';

const streamOf = (chunks: string[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function framesOf(chunks: string[]): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for await (const frame of sseFrames(streamOf(chunks))) frames.push(frame);
  return frames;
}

describe('Server-Sent Events frames of a node server', () => {
  it('reads events split anywhere across chunks, skipping comments', async () => {
    const text =
      ': connected\n\nevent: agent.connected\ndata: {"a":1}\n\n: heartbeat\n\nevent: config.changed\r\ndata: {"b":2}\r\n\r\n';
    for (const size of [1, 3, 7, text.length]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
        text.slice(i * size, (i + 1) * size),
      );
      expect(await framesOf(chunks)).toEqual([
        { event: 'agent.connected', data: '{"a":1}' },
        { event: 'config.changed', data: '{"b":2}' },
      ]);
    }
  });

  it('joins several data lines, and names an event without a name "message"', async () => {
    expect(await framesOf(['data: one\ndata: two\n\n'])).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
