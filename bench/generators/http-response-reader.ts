/** One HTTP/1.1 response read off a keep-alive connection. */
export interface HttpResponse {
  readonly status: number;
  readonly body: Buffer;
  /** The server asked to close the connection. */
  readonly close: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A minimal HTTP/1.1 response parser for the load generator: status line, `content-length` bodies only
 * (what Fastify sends for Buffer payloads). Feed it socket chunks; it returns complete responses.
 */
export class HttpResponseReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): HttpResponse[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const responses: HttpResponse[] = [];
    for (;;) {
      const headerEnd = this.buffered.indexOf(HEADER_END);
      if (headerEnd < 0) return responses;
      const head = this.buffered.toString('latin1', 0, headerEnd);
      const status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) throw new Error(`response without content-length: ${head.split('\r\n')[0]}`);
      const total = headerEnd + 4 + Number(length[1]);
      if (this.buffered.length < total) return responses;
      responses.push({
        status,
        body: this.buffered.subarray(headerEnd + 4, total),
        close: /\r\nconnection:\s*close/i.test(head),
      });
      this.buffered = this.buffered.subarray(total);
    }
  }
}
