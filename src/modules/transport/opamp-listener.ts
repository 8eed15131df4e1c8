import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { InjectTransportOptions, type TransportOptions } from './transport.options.js';
import { OpampCodec, OPAMP_CONTENT_TYPE, TooManyConnectionsError } from '../protocol/index.js';
import { MessagePipeline } from '../session/index.js';
import { OpampHttpHandler } from './opamp-http.handler.js';
import { createOpampHttpServer, isOpampPost, type RequestHandler } from './opamp-http-server.js';
import { OpampWebSocketHandler } from './opamp-ws.handler.js';
import { TransportEvents } from './transport-events.js';
import { UnixSocketListener } from './unix-socket-listener.js';
import {
  loadTlsKeyPair,
  TlsReloader,
  verifiedClientCertificate,
  type SecureContextTarget,
  type TlsReloadOutcome,
} from '../tls/index.js';

const ALLOWED_METHODS = 'GET, POST';

/**
 * The OpAMP listener: its own Fastify instance on `OPAMP_HOST:OPAMP_PORT` serving HTTP POST and the
 * WebSocket upgrade on one path (and the HTTP handler on `OPAMP_UNIX_SOCKET` when set). It is separate
 * from the admin listener so agent traffic never shares a port, a body parser or a hook with the API.
 * With `OPAMP_TLS_*` the TCP port serves HTTPS and WSS, its certificate reloaded when the files change
 * (docs/tls.md); the Unix socket stays plain.
 */
@Injectable()
export class OpampListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OpampListener.name);
  private fastify?: FastifyInstance;
  private unixSocket?: UnixSocketListener;
  private keepAlive?: NodeJS.Timeout;
  private tls?: TlsReloader;

  constructor(
    @InjectTransportOptions() private readonly options: TransportOptions,
    private readonly http: OpampHttpHandler,
    private readonly ws: OpampWebSocketHandler,
    private readonly server: MessagePipeline,
    private readonly codec: OpampCodec,
    private readonly events: TransportEvents,
  ) {}

  /** Whether the listener accepts connections. */
  get listening(): boolean {
    return this.fastify?.server.listening ?? false;
  }

  /** The bound TCP address (the real port when `OPAMP_PORT=0`). */
  address(): AddressInfo {
    const address = this.fastify?.server.address();
    if (!address || typeof address === 'string') throw new Error('the OpAMP listener is not listening');
    return address;
  }

  /**
   * Checks the TLS files now, as every `TLS_RELOAD_INTERVAL_S` does, and serves a changed valid pair to new
   * connections; undefined without TLS.
   */
  async checkTlsFiles(): Promise<TlsReloadOutcome | undefined> {
    return this.tls?.check();
  }

  /** @throws TlsSetupError when the TLS files cannot be read or do not make a key pair. */
  async onApplicationBootstrap(): Promise<void> {
    const opamp = this.options;
    const tls = opamp.tls && (await loadTlsKeyPair(opamp.tls));
    const dispatch = (
      request: IncomingMessage,
      response: ServerResponse,
      fastifyRoute: RequestHandler,
    ): void => {
      if (isOpampPost(request, opamp.path)) void this.http.handle(request, response);
      else fastifyRoute(request, response);
    };
    const fastify = Fastify({
      logger: false,
      bodyLimit: opamp.maxMessageBytes,
      return503OnClosing: true,
      serverFactory: (fastifyRoute) =>
        createOpampHttpServer(opamp, (request, response) => dispatch(request, response, fastifyRoute), tls),
    });
    fastify.server.on('tlsClientError', (error: Error, socket: { remoteAddress?: string }) =>
      this.logger.debug({ remote: socket.remoteAddress, err: error.message }, 'TLS handshake failed'),
    );
    await fastify.register(fastifyWebsocket, {
      // No client tracking: the handler keeps its own set of sockets (a Set entry and a closure per socket less).
      options: { maxPayload: opamp.maxMessageBytes, perMessageDeflate: false, clientTracking: false },
      preClose: () => this.ws.closeAll(),
    });
    await fastify.register(async (scope) => this.routes(scope));
    await fastify.listen({ host: opamp.host, port: opamp.port, backlog: opamp.listenBacklog });
    this.fastify = fastify;
    // One slot of sockets per step, not every socket per interval: the keep-alive work is spread evenly.
    this.keepAlive = setInterval(() => this.ws.keepAliveStep(), this.ws.keepAliveStepMs).unref();
    if (tls && opamp.tls) {
      this.tls = new TlsReloader({
        files: opamp.tls,
        current: tls,
        target: fastify.server as unknown as SecureContextTarget,
        intervalMs: opamp.tls.reloadIntervalMs,
        listener: 'OpAMP listener',
      });
      this.tls.start();
    }
    if (opamp.unixSocket) {
      this.unixSocket = new UnixSocketListener(opamp.unixSocket);
      await this.unixSocket.listen(
        {
          request: (req, res) => dispatch(req, res, (r, s) => fastify.routing(r, s)),
          upgrade: (req, socket, head) => fastify.server.emit('upgrade', req, socket, head),
        },
        (handler) => createOpampHttpServer(opamp, handler),
      );
    }
    const { port } = this.address();
    this.logger.log(
      {
        host: opamp.host,
        port,
        path: opamp.path,
        unixSocket: opamp.unixSocket,
        tls: tls ? (tls.ca ? 'mtls' : 'tls') : 'none',
      },
      'OpAMP listener ready (HTTP POST and WebSocket)',
    );
  }

  /** SIGTERM: refuse new messages with Unavailable, end every session, close sockets, then the listener. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.keepAlive);
    this.tls?.stop();
    this.server.drain(this.options.retryAfterMs);
    await this.unixSocket?.close();
    await this.fastify?.close();
    this.fastify = undefined;
  }

  private routes(scope: FastifyInstance): void {
    const { path } = this.options;
    // POST never reaches Fastify (see onApplicationBootstrap); other bodies are not read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.route({
      method: 'GET',
      url: path,
      preValidation: async (request, reply) => this.admitWebSocket(request, reply),
      handler: async (_request, reply) =>
        reply
          .code(405)
          .header('allow', ALLOWED_METHODS)
          .send('OpAMP: POST application/x-protobuf or upgrade to a WebSocket'),
      wsHandler: (socket, request) => this.ws.accept(socket, request.raw),
    });
    scope.route({
      method: ['PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: path,
      handler: async (_request, reply) => reply.code(405).header('allow', ALLOWED_METHODS).send(),
    });
  }

  /**
   * Refuses an upgrade beyond `MAX_CONNECTIONS` (503, `Retry-After`, and a `ServerErrorResponse{Unavailable,
   * retry_info}` body) or when a plugin's `authorize` says no; otherwise lets the upgrade proceed.
   */
  private async admitWebSocket(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { maxConnections, retryAfterMs } = this.options;
    const remoteAddress = request.socket.remoteAddress ?? 'unix';
    if (this.ws.connectionCount >= maxConnections) {
      this.logger.warn(
        { remote: remoteAddress, maxConnections },
        'MAX_CONNECTIONS reached; refusing a WebSocket',
      );
      const error = new TooManyConnectionsError(maxConnections, retryAfterMs);
      this.events.emit({ type: 'refused', transport: 'websocket', reason: error.reason });
      const body = this.codec.encode(this.codec.errorReply(Buffer.alloc(0), error));
      await reply
        .code(503)
        .header('retry-after', String(Math.ceil(retryAfterMs / 1000)))
        .header('content-type', OPAMP_CONTENT_TYPE)
        .send(Buffer.from(body!));
      return;
    }
    const decision = await this.server.authorize({
      transport: 'websocket',
      remoteAddress,
      headers: request.headers,
      clientCertificate: verifiedClientCertificate(request.socket),
    });
    if (decision.accept) return;
    this.events.emit({ type: 'refused', transport: 'websocket', reason: 'rejected' });
    this.logger.warn(
      { remote: remoteAddress, status: decision.status, reason: decision.reason },
      'refused a WebSocket',
    );
    if (decision.retryAfterS !== undefined) reply.header('retry-after', String(decision.retryAfterS));
    await reply.code(decision.status).header('content-type', 'text/plain').send(decision.reason);
  }
}
