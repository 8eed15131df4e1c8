/** One Server-Sent Events frame: its `event:` name and its `data:` lines joined; a comment has neither. */
export interface SseFrame {
  readonly event: string;
  readonly data: string;
}

/** A frame longer than this is not one a node server sends: the stream is refused. */
const MAX_FRAME_CHARS = 4 * 1024 * 1024;

/** A stream that is not Server-Sent Events as a node server writes them. */
export class SseFrameError extends Error {
  override readonly name = 'SseFrameError';
}

/**
 * The frames of a `text/event-stream` body (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * blank-line separated, `event:` and `data:` fields; comments (`: heartbeat`) are skipped.
 * @throws SseFrameError for a frame over 4 MiB.
 */
export async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  let carriageReturn = '';
  for await (const chunk of body) {
    let text = carriageReturn + decoder.decode(chunk, { stream: true });
    // A CR at the end of a chunk may be the first half of a CRLF: it waits for the next chunk.
    carriageReturn = text.endsWith('\r') ? '\r' : '';
    if (carriageReturn) text = text.slice(0, -1);
    buffer += text.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = parseFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (frame) yield frame;
    }
    if (buffer.length > MAX_FRAME_CHARS)
      throw new SseFrameError(`a frame over ${MAX_FRAME_CHARS} characters`);
  }
}

function parseFrame(text: string): SseFrame | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}
