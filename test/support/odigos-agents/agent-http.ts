import { Agent, request } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { type ResolvedTarget } from './agent-target.js';
import { formatRequest, headerValue, rawHttpExchange, statusOf } from './raw-http.js';

/** What came back for one POST; `body` is already decompressed when the client would do so. */
export interface AgentHttpResponse {
  readonly status: number;
  /** Lower-cased names, trimmed values, first occurrence wins. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** An HTTP client as one of the Odigos agents uses it. */
export interface AgentHttpClient {
  /** The request header lines the client writes itself, in wire order (node:http may append `Connection`). */
  requestHeaders(bodyLength: number): Array<[string, string]>;
  /** POSTs `body`; rejects only when no response arrives (network error, timeout). */
  post(body: Uint8Array): Promise<AgentHttpResponse>;
  /** Drops pooled connections. */
  close(): void;
}

/** Options of {@link AxiosLikeHttpClient}. */
export interface AxiosLikeHttpClientOptions {
  target: ResolvedTarget;
  path: string;
  timeoutMs: number;
  userAgent: string;
  /** Device-id mode: adds `X-Odigos-DeviceId` (docs/odigos.md, old design). */
  deviceId?: string;
}

/**
 * The Node agent's transport: axios 1.x on node:http with the default keep-alive agent
 * (`opentelemetry-node: src/opamp/client-http.ts`, docs/odigos.md Node). Header lines, in axios's order:
 * `Accept`, `Content-Type` with the literal value `" application/x-protobuf"` (leading space, so two
 * spaces follow the colon on the wire), optional `X-Odigos-DeviceId`, `User-Agent`, `Content-Length`,
 * `Accept-Encoding`; node:http then appends `Host` and `Connection: keep-alive`. Responses are decompressed
 * like axios does (it advertises gzip/deflate/br). The timeout is axios's `req.setTimeout` (inactivity).
 */
export class AxiosLikeHttpClient implements AgentHttpClient {
  private readonly agent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });

  constructor(private readonly options: AxiosLikeHttpClientOptions) {}

  requestHeaders(bodyLength: number): Array<[string, string]> {
    const headers: Array<[string, string]> = [
      ['Accept', 'application/json, text/plain, */*'],
      ['Content-Type', ' application/x-protobuf'],
    ];
    if (this.options.deviceId !== undefined) headers.push(['X-Odigos-DeviceId', this.options.deviceId]);
    headers.push(
      ['User-Agent', this.options.userAgent],
      ['Content-Length', String(bodyLength)],
      ['Accept-Encoding', 'gzip, compress, deflate, br'],
      ['Host', this.options.target.hostHeader],
    );
    return headers;
  }

  post(body: Uint8Array): Promise<AgentHttpResponse> {
    const { target, path, timeoutMs } = this.options;
    const where =
      target.kind === 'tcp' ? { host: target.host, port: target.port } : { socketPath: target.socketPath };
    return new Promise((resolve, reject) => {
      const req = request(
        // The array form writes the header lines verbatim, in this order (no value trimming).
        {
          ...where,
          method: 'POST',
          path,
          agent: this.agent,
          headers: this.requestHeaders(body.length).flat(),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              headers[res.rawHeaders[i]!.toLowerCase()] ??= res.rawHeaders[i + 1]!;
            }
            const status = res.statusCode ?? 0;
            try {
              resolve({ status, headers, body: decompress(Buffer.concat(chunks), headers, status) });
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout of ${timeoutMs}ms exceeded`)));
      req.on('error', reject);
      req.end(Buffer.from(body));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** axios's `decompress: true` handling of `Content-Encoding`. */
function decompress(body: Buffer, headers: Record<string, string>, status: number): Buffer {
  if (status === 204 || body.length === 0) return body;
  switch (headers['content-encoding']) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      return gunzipSync(body);
    case 'deflate':
      // axios sniffs for a zlib header and falls back to raw deflate.
      return (body[0]! & 0x0f) === 0x08 ? inflateSync(body) : inflateRawSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/** Options of {@link PythonHttpClient}. */
export interface PythonHttpClientOptions {
  target: ResolvedTarget;
  path: string;
  timeoutMs: number;
}

/**
 * The Python agent's transport (`odigos-opentelemetry-python: opamp/transport.py`, docs/odigos.md Python):
 * `http.client.HTTPConnection` (or its AF_UNIX subclass) opened for ONE request and closed afterwards.
 * Header lines exactly as http.client writes them: `Host`, `Accept-Encoding: identity`, `Content-Length`,
 * then the agent's `Content-Type: application/x-protobuf`; no `Connection` header; head and body in one
 * write. Bodies are never decompressed.
 */
export class PythonHttpClient implements AgentHttpClient {
  constructor(private readonly options: PythonHttpClientOptions) {}

  requestHeaders(bodyLength: number): Array<[string, string]> {
    return [
      ['Host', this.options.target.hostHeader],
      ['Accept-Encoding', 'identity'],
      ['Content-Length', String(bodyLength)],
      ['Content-Type', 'application/x-protobuf'],
    ];
  }

  async post(body: Uint8Array): Promise<AgentHttpResponse> {
    const { target, path, timeoutMs } = this.options;
    const endpoint =
      target.kind === 'tcp' ? { host: target.host, port: target.port } : { socketPath: target.socketPath };
    const message = await rawHttpExchange(
      endpoint,
      formatRequest('POST', path, this.requestHeaders(body.length), body),
      timeoutMs,
    );
    const headers: Record<string, string> = {};
    for (const h of message.headers) headers[h.name.toLowerCase()] ??= headerValue([h], h.name) ?? '';
    return { status: statusOf(message), headers, body: message.body };
  }

  close(): void {
    // Nothing pooled: every request had its own connection.
  }
}
