import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type ServerConfig } from '../config/index.js';
import { tlsContextOptions, type TlsKeyPair } from '../tls/index.js';

/** A Node request handler. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The Node HTTP server under the OpAMP listener, with the connection timeouts from the configuration:
 * a client gets `HTTP_HEADERS_TIMEOUT_S` to send a request's headers (slow-loris, idle new connections,
 * slow WebSocket upgrades), `HTTP_REQUEST_TIMEOUT_S` for the whole request, and an idle keep-alive
 * connection is closed after `HTTP_KEEP_ALIVE_TIMEOUT_S`. Expired connections are found by a sweep that
 * runs every quarter of the headers timeout (100 ms – 2 s).
 *
 * With a TLS key pair it is an HTTPS server (WebSocket upgrades then are WSS): the TLS handshake also has
 * `HTTP_HEADERS_TIMEOUT_S`, and when the pair has client CAs every client must present a certificate they
 * signed, or its handshake fails (https://nodejs.org/api/tls.html#tlscreateserveroptions-secureconnectionlistener).
 */
export function createOpampHttpServer(
  config: ServerConfig['opamp'],
  handler: RequestHandler,
  tls?: TlsKeyPair,
): Server {
  const requestTimeout = Math.max(config.requestTimeoutMs, config.headersTimeoutMs);
  const options = {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(2000, Math.max(100, Math.floor(config.headersTimeoutMs / 4))),
  };
  const server: Server = tls
    ? createHttpsServer(
        {
          ...options,
          ...tlsContextOptions(tls),
          ...(tls.ca ? { requestCert: true, rejectUnauthorized: true } : {}),
          handshakeTimeout: config.headersTimeoutMs,
        },
        handler,
      )
    : createServer(options, handler);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = requestTimeout;
  return server;
}

/** Whether `request` is an OpAMP HTTP message: `POST` on `path` (any query string ignored). */
export function isOpampPost(request: IncomingMessage, path: string): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url ?? '';
  return url === path || (url.startsWith(path) && url.charCodeAt(path.length) === 63); /* ? */
}
