import { Injectable, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import {
  acceptsGzip,
  ConnectionRejectedError,
  formatInstanceUid,
  gzipBody,
  OpampCodec,
  OPAMP_CONTENT_TYPE,
  ProtocolError,
  ServerUnavailableError,
  UnsupportedMediaTypeError,
} from '../protocol/index.js';
import { InjectServerConfig, type ServerConfig } from '../config/index.js';
import { OpampServer } from '../session/index.js';
import { HttpAgentConnection } from './http-agent-connection.js';
import { TransportEvents, type MessageOutcome } from './transport-events.js';

/** Serves the plain HTTP transport: one POSTed AgentToServer in, one ServerToAgent out. */
@Injectable()
export class OpampHttpHandler {
  private readonly logger = new Logger(OpampHttpHandler.name);

  constructor(
    private readonly codec: OpampCodec,
    private readonly server: OpampServer,
    @InjectServerConfig() private readonly config: ServerConfig,
    private readonly events: TransportEvents,
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let instanceUid: Uint8Array = Buffer.alloc(0);
    const started = performance.now();
    let outcome: MessageOutcome = 'ok';
    try {
      const remote = request.socket.remoteAddress ?? `unix:${this.config.opamp.unixSocket ?? ''}`;
      const decision = await this.server.authorize({
        transport: 'http',
        remoteAddress: remote,
        headers: request.headers,
      });
      if (!decision.accept)
        throw new ConnectionRejectedError(decision.status, decision.reason, decision.retryAfterS);
      assertProtobufContentType(request.headers['content-type']);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const message = await this.codec.decodeHttpBody(body, header(request.headers['content-encoding']));
      instanceUid = message.instanceUid;
      const answer = await this.server.handle(new HttpAgentConnection(remote, request.headers), message);
      await this.send(request, reply, 200, answer);
    } catch (error) {
      outcome = error instanceof ProtocolError ? 'refused' : 'error';
      await this.fail(request, reply, instanceUid, error);
    } finally {
      const durationS = (performance.now() - started) / 1000;
      this.events.emit({ type: 'handled', transport: 'http', outcome, durationS });
    }
  }

  /** Answers a request that failed before or during decoding (also used by the route's error handler). */
  async fail(
    request: FastifyRequest,
    reply: FastifyReply,
    instanceUid: Uint8Array,
    error: unknown,
  ): Promise<void> {
    const agent = instanceUid.length > 0 ? { agent: formatInstanceUid(instanceUid) } : {};
    if (!(error instanceof ProtocolError)) {
      this.logger.error(
        { ...agent, err: error, remote: request.socket.remoteAddress },
        'failed to serve an OpAMP request',
      );
      await reply.code(500).header('content-type', 'text/plain').send('internal server error');
      return;
    }
    this.events.emit({ type: 'refused', transport: 'http', reason: error.reason });
    this.logger.warn(
      {
        ...agent,
        reason: error.reason,
        status: error.httpStatus,
        remote: request.socket.remoteAddress,
        err: error.message,
      },
      'refused an OpAMP HTTP request',
    );
    const retryAfterS = retryAfterSeconds(error);
    if (retryAfterS !== undefined) reply.header('retry-after', String(retryAfterS));
    await this.send(request, reply, error.httpStatus, this.codec.errorReply(instanceUid, error));
  }

  private async send(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    answer: ServerToAgent,
  ): Promise<void> {
    const bytes = this.codec.encode(answer);
    if (!bytes) {
      this.logger.error(
        {
          agent: formatInstanceUid(answer.instanceUid),
          limit: this.codec.maxMessageBytes,
          remote: request.socket.remoteAddress,
        },
        'reply exceeds MAX_MESSAGE_BYTES; dropped',
      );
      await reply.code(500).header('content-type', 'text/plain').send('reply too large');
      return;
    }
    reply.code(status).header('content-type', OPAMP_CONTENT_TYPE);
    if (bytes.length >= this.config.opamp.gzipMinBytes && acceptsGzip(request.headers['accept-encoding'])) {
      await reply.header('content-encoding', 'gzip').send(await gzipBody(bytes));
      return;
    }
    await reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}

function retryAfterSeconds(error: ProtocolError): number | undefined {
  if (error instanceof ServerUnavailableError) return Math.ceil(error.retryAfterMs / 1000);
  if (error instanceof ConnectionRejectedError) return error.retryAfterS;
  return undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** OpAMP over HTTP is `application/x-protobuf`; compare trimmed, as one real client sends a leading space. */
function assertProtobufContentType(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== OPAMP_CONTENT_TYPE) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be ${OPAMP_CONTENT_TYPE} (got ${contentType ? `"${contentType}"` : 'none'})`,
      'unsupported-media-type',
    );
  }
}
