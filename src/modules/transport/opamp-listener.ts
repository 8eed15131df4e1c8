import { type AddressInfo } from 'node:net';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { InjectServerConfig, type ServerConfig } from '../config/index.js';
import { MalformedMessageError, MessageTooLargeError } from '../protocol/index.js';
import { OpampServer } from '../session/index.js';
import { OpampHttpHandler } from './opamp-http.handler.js';
import { OpampWebSocketHandler } from './opamp-ws.handler.js';
import { UnixSocketListener } from './unix-socket-listener.js';

const ALLOWED_METHODS = 'GET, POST';

/**
 * The OpAMP listener: its own Fastify instance on `OPAMP_HOST:OPAMP_PORT` serving HTTP POST and the
 * WebSocket upgrade on one path (and the HTTP handler on `OPAMP_UNIX_SOCKET` when set). It is separate
 * from the admin listener so agent traffic never shares a port, a body parser or a hook with the API.
 */
@Injectable()
export class OpampListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OpampListener.name);
  private fastify?: FastifyInstance;
  private unixSocket?: UnixSocketListener;
  private keepAlive?: NodeJS.Timeout;

  constructor(
    @InjectServerConfig() private readonly config: ServerConfig,
    private readonly http: OpampHttpHandler,
    private readonly ws: OpampWebSocketHandler,
    private readonly server: OpampServer,
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

  async onApplicationBootstrap(): Promise<void> {
    const { opamp } = this.config;
    const fastify = Fastify({ logger: false, bodyLimit: opamp.maxMessageBytes, return503OnClosing: true });
    await fastify.register(fastifyWebsocket, {
      options: { maxPayload: opamp.maxMessageBytes, perMessageDeflate: false },
      preClose: () => this.ws.closeAll(),
    });
    await fastify.register(async (scope) => this.routes(scope));
    await fastify.listen({ host: opamp.host, port: opamp.port });
    this.fastify = fastify;
    this.keepAlive = setInterval(() => this.ws.pingAll(), opamp.wsPingIntervalMs).unref();
    if (opamp.unixSocket) {
      this.unixSocket = new UnixSocketListener(opamp.unixSocket);
      await this.unixSocket.listen({
        request: (req, res) => fastify.routing(req, res),
        upgrade: (req, socket, head) => fastify.server.emit('upgrade', req, socket, head),
      });
    }
    const { port } = this.address();
    this.logger.log(
      { host: opamp.host, port, path: opamp.path, unixSocket: opamp.unixSocket },
      'OpAMP listener ready (HTTP POST and WebSocket)',
    );
  }

  /** SIGTERM: refuse new messages with Unavailable, end every session, close sockets, then the listener. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.keepAlive);
    this.server.drain(this.config.opamp.retryAfterMs);
    await this.unixSocket?.close();
    await this.fastify?.close();
    this.fastify = undefined;
  }

  private routes(scope: FastifyInstance): void {
    const { path, maxMessageBytes } = this.config.opamp;
    scope.removeAllContentTypeParsers();
    // Every body is read raw; the handler answers a wrong Content-Type with an OpAMP-shaped 415.
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxMessageBytes }, (_req, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const refusal =
        error.statusCode === 413
          ? new MessageTooLargeError(maxMessageBytes)
          : new MalformedMessageError(`unreadable request: ${error.message}`);
      return this.http.fail(request, reply, Buffer.alloc(0), refusal);
    });
    scope.post(path, (request, reply) => this.http.handle(request, reply));
    scope.route({
      method: 'GET',
      url: path,
      preValidation: async (request, reply) => {
        if (this.ws.connectionCount >= this.config.opamp.maxConnections) {
          this.logger.warn(
            { remote: request.socket.remoteAddress },
            'MAX_CONNECTIONS reached; refusing a WebSocket',
          );
          await reply
            .code(503)
            .header('retry-after', String(Math.ceil(this.config.opamp.retryAfterMs / 1000)))
            .send('too many connections');
          return;
        }
        const remoteAddress = request.socket.remoteAddress ?? 'unix';
        const decision = await this.server.authorize({
          transport: 'websocket',
          remoteAddress,
          headers: request.headers,
        });
        if (decision.accept) return;
        this.logger.warn(
          { remote: remoteAddress, status: decision.status, reason: decision.reason },
          'refused a WebSocket',
        );
        if (decision.retryAfterS !== undefined) reply.header('retry-after', String(decision.retryAfterS));
        await reply.code(decision.status).header('content-type', 'text/plain').send(decision.reason);
      },
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
}
