import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type SecureContextOptions } from 'node:tls';
import { decodeServerToAgent, encodeAgentToServer } from './opamp-messages.js';
import { type AgentToServer, type ServerToAgent } from '../../src/generated/opamp/v1/opamp.js';

type Init = Parameters<typeof encodeAgentToServer>[0];

/** The raw outcome of one POST to the OpAMP endpoint. */
export interface HttpExchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The decoded ServerToAgent, when the body is protobuf. */
  message?: ServerToAgent;
}

/** Where to send: a URL, or a Unix socket path plus the request path. */
export type OpampTarget = string | { socketPath: string; path: string };

/**
 * POSTs raw bytes to an OpAMP endpoint with exactly the given headers (no implicit Accept-Encoding)
 * and decodes the reply when it is protobuf and not compressed. An `https:` URL is sent over TLS with `tls`
 * (the CA to trust, a client certificate and key); the connection is not reused.
 */
export function postRaw(
  target: OpampTarget,
  body: Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/x-protobuf' },
  method = 'POST',
  tls: SecureContextOptions = {},
): Promise<HttpExchange> {
  const secure = typeof target === 'string' && target.startsWith('https:');
  const location =
    typeof target === 'string'
      ? (() => {
          const url = new URL(target);
          return { host: url.hostname, port: Number(url.port), path: url.pathname };
        })()
      : target;
  const send = secure ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        ...location,
        ...(secure ? { ...tls, agent: false } : {}),
        method,
        headers: { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const isProtobuf = res.headers['content-type'] === 'application/x-protobuf';
          const compressed = res.headers['content-encoding'] !== undefined;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: bytes,
            message: isProtobuf && !compressed ? decodeServerToAgent(bytes) : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs one AgentToServer; the fields of `Partial<AgentToServer>` are filled with defaults. */
export async function postMessage(
  url: OpampTarget,
  message: Init | AgentToServer,
  headers?: Record<string, string>,
  tls?: SecureContextOptions,
): Promise<HttpExchange> {
  return postRaw(url, encodeAgentToServer(message as Init), headers, 'POST', tls);
}
