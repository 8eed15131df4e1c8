import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { type AgentToServer, type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import {
  acceptsGzip,
  ConnectionRejectedError,
  formatInstanceUid,
  gzipBody,
  instanceUidKey,
  OpampCodec,
  OPAMP_CONTENT_TYPE,
  ProtocolError,
  RateLimitedError,
  ServerUnavailableError,
  UnsupportedMediaTypeError,
} from '../protocol/index.js';
import { type Awaitable, isThenable } from '../../common/awaitable.js';
import { InjectTransportOptions, type TransportOptions } from './transport.options.js';
import { MessagePipeline } from '../session/index.js';
import { HttpAgentConnection } from './http-agent-connection.js';
import { readRequestBody } from './http-body.js';
import { KeyedRateLimiter } from './keyed-rate-limiter.js';
import { TransportEvents, type MessageOutcome } from './transport-events.js';
import { verifiedClientCertificate } from '../tls/index.js';

const NO_UID = Buffer.alloc(0);

/**
 * Serves the plain HTTP transport: one POSTed AgentToServer in, one ServerToAgent out. It runs on Node's
 * request and response directly (the listener routes `POST <OPAMP_PATH>` here before Fastify): for a
 * message this small, Fastify's request lifecycle cost as much as the whole OpAMP pipeline.
 */
@Injectable()
export class OpampHttpHandler {
  private readonly logger = new Logger(OpampHttpHandler.name);
  private readonly limiter: KeyedRateLimiter;

  constructor(
    private readonly codec: OpampCodec,
    private readonly server: MessagePipeline,
    @InjectTransportOptions() private readonly options: TransportOptions,
    private readonly events: TransportEvents,
  ) {
    const rate = options.maxMessagesPerSecond;
    this.limiter = new KeyedRateLimiter(rate, rate * 2);
  }

  /**
   * Serves one POST; never rejects (every failure is answered). Once the body is read, the rest runs
   * without a promise unless something is asynchronous (gzip, an asynchronous plugin hook).
   */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    if (this.server.needsAuthorization) return this.authorizeThenServe(request, response, started);
    try {
      assertProtobufContentType(request.headers['content-type']);
    } catch (error) {
      return this.failed(request, response, NO_UID, error, started);
    }
    return readRequestBody(request, this.options.maxMessageBytes).then(
      (body) => this.serve(request, response, body, started),
      (error: unknown) => this.failed(request, response, NO_UID, error, started),
    );
  }

  private async authorizeThenServe(
    request: IncomingMessage,
    response: ServerResponse,
    started: number,
  ): Promise<void> {
    let body: Buffer;
    try {
      const decision = await this.server.authorize({
        transport: 'http',
        remoteAddress: this.remoteOf(request),
        headers: request.headers,
        clientCertificate: verifiedClientCertificate(request.socket),
      });
      if (!decision.accept)
        throw new ConnectionRejectedError(decision.status, decision.reason, decision.retryAfterS);
      assertProtobufContentType(request.headers['content-type']);
      body = await readRequestBody(request, this.options.maxMessageBytes);
    } catch (error) {
      return this.failed(request, response, NO_UID, error, started);
    }
    return this.serve(request, response, body, started);
  }

  /** From a read body to the reply. */
  private serve(
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    started: number,
  ): Awaitable<void> {
    try {
      const message = this.codec.decodeHttpBodyNow(body, header(request.headers['content-encoding']));
      if (!isThenable(message)) return this.answer(request, response, message, started);
      return message.then(
        (decoded) => this.answer(request, response, decoded, started),
        (error: unknown) => this.failed(request, response, NO_UID, error, started),
      );
    } catch (error) {
      return this.failed(request, response, NO_UID, error, started);
    }
  }

  private answer(
    request: IncomingMessage,
    response: ServerResponse,
    message: AgentToServer,
    started: number,
  ): Awaitable<void> {
    try {
      const uidKey = instanceUidKey(message.instanceUid);
      const waitMs = this.limiter.take(uidKey, started);
      if (waitMs > 0) throw new RateLimitedError(this.options.maxMessagesPerSecond, waitMs);
      const connection = new HttpAgentConnection(this.remoteOf(request), request.headers);
      const answer = this.server.handleNow(connection, message, uidKey);
      if (!isThenable(answer)) return this.reply(request, response, connection, answer, started);
      return answer.then(
        (reply) => this.reply(request, response, connection, reply, started),
        (error: unknown) => this.failed(request, response, message.instanceUid, error, started),
      );
    } catch (error) {
      return this.failed(request, response, message.instanceUid, error, started);
    }
  }

  private reply(
    request: IncomingMessage,
    response: ServerResponse,
    connection: HttpAgentConnection,
    answer: ServerToAgent,
    started: number,
  ): Awaitable<void> {
    connection.release();
    try {
      const sending = this.send(request, response, 200, answer);
      if (!sending) return this.handled('ok', started);
      return sending.then(
        () => this.handled('ok', started),
        (error: unknown) => this.failed(request, response, answer.instanceUid, error, started),
      );
    } catch (error) {
      return this.failed(request, response, answer.instanceUid, error, started);
    }
  }

  /** Answers a failure and counts the request as refused (a ProtocolError) or failed (a bug). */
  private async failed(
    request: IncomingMessage,
    response: ServerResponse,
    instanceUid: Uint8Array,
    error: unknown,
    started: number,
  ): Promise<void> {
    try {
      await this.fail(request, response, instanceUid, error);
    } finally {
      this.handled(error instanceof ProtocolError ? 'refused' : 'error', started);
    }
  }

  private handled(outcome: MessageOutcome, started: number): void {
    const durationS = (performance.now() - started) / 1000;
    this.events.emit({ type: 'handled', transport: 'http', outcome, durationS });
  }

  private remoteOf(request: IncomingMessage): string {
    return request.socket.remoteAddress ?? `unix:${this.options.unixSocket ?? ''}`;
  }

  /** Answers a request that could not be served: an OpAMP error reply, or 500 for a bug. */
  async fail(
    request: IncomingMessage,
    response: ServerResponse,
    instanceUid: Uint8Array,
    error: unknown,
  ): Promise<void> {
    const agent = instanceUid.length > 0 ? { agent: formatInstanceUid(instanceUid) } : {};
    if (!(error instanceof ProtocolError)) {
      this.logger.error(
        { ...agent, err: error, remote: request.socket.remoteAddress },
        'failed to serve an OpAMP request',
      );
      writePlain(response, 500, 'internal server error');
      return;
    }
    this.events.emit({ type: 'refused', transport: 'http', reason: error.reason });
    const details = {
      ...agent,
      reason: error.reason,
      status: error.httpStatus,
      remote: request.socket.remoteAddress,
      err: error.message,
    };
    // A flood of rate-limited requests must not become a flood of log lines.
    if (error.reason === 'rate-limited') this.logger.debug(details, 'refused an OpAMP HTTP request');
    else this.logger.warn(details, 'refused an OpAMP HTTP request');
    const extra: string[] = [];
    const retryAfterS = retryAfterSeconds(error);
    if (retryAfterS !== undefined) extra.push('retry-after', String(retryAfterS));
    // An unread body (too large) or a server going away: do not keep the connection.
    if (error.httpStatus === 413 || this.server.draining) extra.push('connection', 'close');
    await this.send(request, response, error.httpStatus, this.codec.errorReply(instanceUid, error), extra);
  }

  /** Writes the reply (gzipped when large enough and accepted); a promise only while gzipping. */
  private send(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    answer: ServerToAgent,
    extraHeaders: readonly string[] = [],
  ): Promise<void> | undefined {
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
      writePlain(response, 500, 'reply too large');
      return undefined;
    }
    const headers = this.server.draining ? [...extraHeaders, 'connection', 'close'] : extraHeaders;
    if (bytes.length >= this.options.gzipMinBytes && acceptsGzip(request.headers['accept-encoding'])) {
      return gzipBody(bytes).then((gzipped) =>
        writeProtobuf(response, status, gzipped, [...headers, 'content-encoding', 'gzip']),
      );
    }
    writeProtobuf(response, status, bytes, headers);
    return undefined;
  }
}

/** Writes a protobuf body; nothing when the client is gone. */
function writeProtobuf(
  response: ServerResponse,
  status: number,
  body: Uint8Array,
  extraHeaders: readonly string[],
): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, [
    'content-type',
    OPAMP_CONTENT_TYPE,
    'content-length',
    String(body.byteLength),
    ...extraHeaders,
  ]);
  response.end(body);
}

function writePlain(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, [
    'content-type',
    'text/plain',
    'content-length',
    String(Buffer.byteLength(text)),
  ]);
  response.end(text);
}

function retryAfterSeconds(error: ProtocolError): number | undefined {
  if (error instanceof ServerUnavailableError) return Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  if (error instanceof ConnectionRejectedError) return error.retryAfterS;
  return undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** OpAMP over HTTP is `application/x-protobuf`; compare trimmed, as one real client sends a leading space. */
function assertProtobufContentType(contentType: string | undefined): void {
  if (contentType === OPAMP_CONTENT_TYPE) return;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== OPAMP_CONTENT_TYPE) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be ${OPAMP_CONTENT_TYPE} (got ${contentType ? `"${contentType}"` : 'none'})`,
      'unsupported-media-type',
    );
  }
}
