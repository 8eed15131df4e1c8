import { connect, type Socket } from 'node:net';

/**
 * One header line exactly as it travelled: `name` is the text before the first colon and `rawValue`
 * everything after it, untrimmed (so `Content-Type:  application/x-protobuf` keeps both spaces).
 */
export interface RawHeaderLine {
  readonly name: string;
  readonly rawValue: string;
  /** The whole line without its CRLF. */
  readonly line: string;
}

/** A parsed HTTP/1.1 request or response. */
export interface RawHttpMessage {
  /** `POST /v1/opamp HTTP/1.1` or `HTTP/1.1 200 OK`. */
  readonly startLine: string;
  readonly headers: readonly RawHeaderLine[];
  /** The head bytes as received, up to and including the blank line. */
  readonly rawHead: Buffer;
  /** The body after de-chunking (never decompressed). */
  readonly body: Buffer;
}

/** The first header named `name` (case-insensitive), value trimmed as an HTTP parser would. */
export const headerValue = (headers: readonly RawHeaderLine[], name: string): string | undefined =>
  headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.rawValue.trim();

/** The first header line named `name` (case-insensitive), untouched. */
export const headerLine = (headers: readonly RawHeaderLine[], name: string): RawHeaderLine | undefined =>
  headers.find((h) => h.name.toLowerCase() === name.toLowerCase());

/** The status code of a response start line, 0 if it is not one. */
export const statusOf = (message: RawHttpMessage): number => {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(message.startLine);
  return match ? Number(match[1]) : 0;
};

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** Serialises a request head; header values are written verbatim after `name:` plus one space. */
export function formatRequest(
  method: string,
  path: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Uint8Array,
): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, ...headers.map(([n, v]) => `${n}: ${v}`), '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Incremental HTTP/1.1 message parser (Content-Length, chunked, or read-to-close for responses).
 * Small on purpose: it serves the fake server and the Python-style one-shot client in these tests.
 */
export class HttpMessageReader {
  private buffer = Buffer.alloc(0);

  constructor(private readonly kind: 'request' | 'response') {}

  /** Feeds bytes; returns every message completed by them. */
  push(chunk: Buffer): RawHttpMessage[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: RawHttpMessage[] = [];
    for (;;) {
      const message = this.tryParse(false);
      if (!message) return out;
      out.push(message);
    }
  }

  /** At end of stream: a response delimited by the close, if one is pending. */
  end(): RawHttpMessage | undefined {
    return this.kind === 'response' ? this.tryParse(true) : undefined;
  }

  private tryParse(atEof: boolean): RawHttpMessage | undefined {
    const headEnd = this.buffer.indexOf(HEAD_END);
    if (headEnd < 0) return undefined;
    const rawHead = this.buffer.subarray(0, headEnd + HEAD_END.length);
    const lines = rawHead.subarray(0, headEnd).toString('latin1').split('\r\n');
    const startLine = lines[0] ?? '';
    const headers = lines.slice(1).map((line): RawHeaderLine => {
      const colon = line.indexOf(':');
      return colon < 0
        ? { name: line, rawValue: '', line }
        : { name: line.slice(0, colon), rawValue: line.slice(colon + 1), line };
    });
    const rest = this.buffer.subarray(rawHead.length);
    const chunked = /chunked/i.test(headerValue(headers, 'transfer-encoding') ?? '');
    const length = headerValue(headers, 'content-length');
    let body: Buffer;
    let consumed: number;
    if (chunked) {
      const decoded = decodeChunked(rest);
      if (!decoded) return undefined;
      [body, consumed] = decoded;
    } else if (length !== undefined) {
      const n = Number(length);
      if (rest.length < n) return undefined;
      body = rest.subarray(0, n);
      consumed = n;
    } else if (this.kind === 'request' || noBodyStatus(startLine)) {
      body = Buffer.alloc(0);
      consumed = 0;
    } else {
      if (!atEof) return undefined;
      body = rest;
      consumed = rest.length;
    }
    this.buffer = rest.subarray(consumed);
    return { startLine, headers, rawHead: Buffer.from(rawHead), body: Buffer.from(body) };
  }
}

const noBodyStatus = (startLine: string): boolean => /^HTTP\/1\.[01] (1\d\d|204|304)/.test(startLine);

/** De-chunks `data`; undefined while incomplete. Returns the body and the bytes consumed. */
function decodeChunked(data: Buffer): [Buffer, number] | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, offset);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) throw new Error('malformed chunk size');
    offset = lineEnd + 2;
    if (size === 0) {
      // Trailers end with an empty line.
      for (;;) {
        const trailerEnd = data.indexOf(CRLF, offset);
        if (trailerEnd < 0) return undefined;
        const empty = trailerEnd === offset;
        offset = trailerEnd + 2;
        if (empty) return [Buffer.concat(parts), offset];
      }
    }
    if (data.length < offset + size + 2) return undefined;
    parts.push(data.subarray(offset, offset + size));
    offset += size + 2;
  }
}

/** Where a raw connection goes. */
export type RawEndpoint = { host: string; port: number } | { socketPath: string };

/**
 * Opens a NEW connection, writes `request` in one write, reads one response and closes — what
 * Python's `http.client.HTTPConnection` does per request in the Odigos agent (docs/odigos.md Python).
 * `timeoutMs` is a socket inactivity timeout, like Python's socket timeout.
 */
export function rawHttpExchange(
  endpoint: RawEndpoint,
  request: Buffer,
  timeoutMs: number,
): Promise<RawHttpMessage> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      'socketPath' in endpoint ? connect(endpoint.socketPath) : connect(endpoint.port, endpoint.host);
    const reader = new HttpMessageReader('response');
    let settled = false;
    const finish = (error: Error | undefined, message?: RawHttpMessage): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error) reject(error);
      else resolve(message as RawHttpMessage);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`timed out after ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      try {
        const [message] = reader.push(chunk);
        if (message) finish(undefined, message);
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on('end', () => {
      const message = reader.end();
      finish(message ? undefined : new Error('connection closed before a complete response'), message);
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('connection closed')));
  });
}
