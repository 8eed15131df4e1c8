import { type IncomingMessage } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { type RawData, type WebSocket } from 'ws';
import {
  formatInstanceUid,
  MalformedMessageError,
  OpampCodec,
  peekInstanceUid,
  ProtocolError,
  RateLimitedError,
  WsCloseCode,
} from '../protocol/index.js';
import { type Awaitable, isThenable } from '../../common/awaitable.js';
import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { InjectTransportOptions, type TransportOptions } from './transport.options.js';
import { MessagePipeline } from '../session/index.js';
import { TokenBucket } from './token-bucket.js';
import { TransportEvents, type MessageOutcome } from './transport-events.js';
import { WsAgentConnection } from './ws-agent-connection.js';
import { KeepAliveWheel } from './ws-keep-alive-wheel.js';
import { releaseUpgrade } from './upgrade-release.js';

const NO_UID = Buffer.alloc(0);
/** The agent connection of an accepted socket, and the handler serving it. */
const CONNECTION = Symbol('opamp.connection');
const HANDLER = Symbol('opamp.handler');

interface AgentSocket extends WebSocket {
  [CONNECTION]: WsAgentConnection;
  [HANDLER]: OpampWebSocketHandler;
}

// `ws` calls a listener with the socket as `this`; accept() put the connection and the handler on it.
function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const socket = this as AgentSocket;
  socket[HANDLER].received(socket[CONNECTION], data, isBinary);
}

function onSocketPong(this: WebSocket): void {
  (this as AgentSocket)[CONNECTION].awaitingPong = false;
}

function onSocketError(this: WebSocket, error: Error): void {
  const socket = this as AgentSocket;
  socket[HANDLER].socketError(socket[CONNECTION], error);
}

function onSocketClose(this: WebSocket, code: number): void {
  const socket = this as AgentSocket;
  socket[HANDLER].closed(socket[CONNECTION], code);
}

/** Serves the WebSocket transport: binary messages with a varint header, replies and pushes on the socket. */
@Injectable()
export class OpampWebSocketHandler {
  private readonly logger = new Logger(OpampWebSocketHandler.name);
  /** The open agent WebSockets, in the slots of their keep-alive turn. */
  private readonly connections: KeepAliveWheel<WsAgentConnection>;

  constructor(
    private readonly codec: OpampCodec,
    private readonly server: MessagePipeline,
    @InjectTransportOptions() private readonly options: TransportOptions,
    private readonly events: TransportEvents,
  ) {
    this.connections = new KeepAliveWheel(options.wsPingIntervalMs);
  }

  /** Time between two {@link keepAliveStep} calls, ms: a whole turn takes `WS_PING_INTERVAL_S`. */
  get keepAliveStepMs(): number {
    return this.connections.stepMs;
  }

  /** Open agent WebSockets. */
  get connectionCount(): number {
    return this.connections.size;
  }

  accept(socket: WebSocket, request: IncomingMessage): void {
    releaseUpgrade(socket, request);
    const remote = request.socket.remoteAddress ?? 'unix';
    const { maxMessageBytes, maxMessagesPerSecond, wsHandshakeTimeoutMs } = this.options;
    const connection = new WsAgentConnection(
      socket,
      remote,
      request.headers,
      this.codec,
      maxMessageBytes * 2,
      new TokenBucket(maxMessagesPerSecond, maxMessagesPerSecond * 2, performance.now()),
    );
    this.connections.add(connection);
    connection.expectFirstMessageWithin(wsHandshakeTimeoutMs);
    (socket as AgentSocket)[CONNECTION] = connection;
    (socket as AgentSocket)[HANDLER] = this;
    // The same four functions for every socket (they find their connection on it): no closures per agent.
    socket.on('message', onSocketMessage);
    socket.on('pong', onSocketPong);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
  }

  /** A message arrived on an agent's socket: served in order after the socket's earlier ones. */
  received(connection: WsAgentConnection, data: RawData, isBinary: boolean): void {
    connection.heard = true;
    connection.firstMessageArrived();
    const waitMs = connection.rateLimit.take(performance.now());
    if (waitMs > 0) {
      const error = new RateLimitedError(this.options.maxMessagesPerSecond, waitMs);
      const uid = (isBinary && peekInstanceUid(toBuffer(data))) || NO_UID;
      connection.enqueue(() => this.fail(connection, uid, error));
      return;
    }
    connection.enqueue(() => this.onMessage(connection, toBuffer(data), isBinary));
  }

  /** An error on an agent's socket: logged, and the socket terminated. */
  socketError(connection: WsAgentConnection, error: Error): void {
    this.logger.warn(
      { connection: connection.id, remote: connection.remoteAddress, err: error.message },
      'WebSocket error',
    );
    // What @fastify/websocket's own error handler did before releaseUpgrade removed it.
    connection.terminate();
  }

  /** An agent's socket closed: its sessions end once its earlier messages are served. */
  closed(connection: WsAgentConnection, code: number): void {
    this.connections.delete(connection);
    connection.firstMessageArrived();
    connection.enqueue(() => this.server.connectionClosed(connection));
    this.logger.debug({ connection: connection.id, code }, 'WebSocket closed');
  }

  /**
   * One step of the keep-alive turn: a keep-alive tick on the sockets of the next slot (silent ones are
   * pinged, those that missed their last ping terminated). Every socket gets one tick per `WS_PING_INTERVAL_S`.
   */
  keepAliveStep(): void {
    this.connections.step();
  }

  /** A keep-alive tick on every socket at once. */
  pingAll(): void {
    this.connections.turn();
  }

  /** Closes every agent WebSocket with 1001 (server going away). */
  closeAll(): void {
    for (const connection of this.connections)
      connection.close(WsCloseCode.GoingAway, 'server shutting down');
  }

  /**
   * Serves one message; synchronous when the pipeline answers synchronously (`handleNow`, the heartbeat
   * fast path the HTTP transport takes too), a promise only when some step is really pending.
   */
  private onMessage(connection: WsAgentConnection, data: Buffer, isBinary: boolean): Awaitable<void> {
    const started = performance.now();
    let instanceUid: Uint8Array = NO_UID;
    try {
      if (!isBinary) {
        throw new MalformedMessageError(
          'OpAMP uses binary WebSocket messages; got a text message',
          'non-binary-frame',
        );
      }
      const message = this.codec.decodeWsMessage(data);
      instanceUid = message.instanceUid;
      const answer = this.server.handleNow(connection, message);
      if (!isThenable(answer)) return this.replied(connection, answer, started);
      const uid = instanceUid;
      return answer.then(
        (reply) => this.replied(connection, reply, started),
        (error: unknown) => this.failed(connection, uid, error, started),
      );
    } catch (error) {
      return this.failed(connection, instanceUid, error, started);
    }
  }

  private replied(connection: WsAgentConnection, reply: ServerToAgent, started: number): Awaitable<void> {
    try {
      connection.badMessages = 0;
      connection.reply(reply);
    } catch (error) {
      return this.failed(connection, reply.instanceUid, error, started);
    }
    this.handled('ok', started);
  }

  private failed(
    connection: WsAgentConnection,
    instanceUid: Uint8Array,
    error: unknown,
    started: number,
  ): Promise<void> {
    return this.fail(connection, instanceUid, error).finally(() =>
      this.handled(error instanceof ProtocolError ? 'refused' : 'error', started),
    );
  }

  private handled(outcome: MessageOutcome, started: number): void {
    const durationS = (performance.now() - started) / 1000;
    this.events.emit({ type: 'handled', transport: 'websocket', outcome, durationS });
  }

  private async fail(connection: WsAgentConnection, instanceUid: Uint8Array, error: unknown): Promise<void> {
    if (!(error instanceof ProtocolError)) {
      this.logger.error(
        {
          ...(instanceUid.length > 0 ? { agent: formatInstanceUid(instanceUid) } : {}),
          connection: connection.id,
          err: error,
        },
        'failed to serve a WebSocket message',
      );
      connection.close(WsCloseCode.InternalError, 'internal error');
      return;
    }
    connection.badMessages++;
    this.events.emit({ type: 'refused', transport: 'websocket', reason: error.reason });
    const details = {
      ...(instanceUid.length > 0 ? { agent: formatInstanceUid(instanceUid) } : {}),
      connection: connection.id,
      remote: connection.remoteAddress,
      reason: error.reason,
      err: error.message,
    };
    // A flood of rate-limited messages must not become a flood of log lines.
    if (error.reason === 'rate-limited') this.logger.debug(details, 'refused an OpAMP WebSocket message');
    else this.logger.warn(details, 'refused an OpAMP WebSocket message');
    try {
      if (connection.canPush) connection.reply(this.codec.errorReply(instanceUid, error));
    } catch {
      return; // the write failure already closed the socket
    }
    if (error.wsCloseCode !== undefined) {
      connection.close(error.wsCloseCode, error.message.slice(0, 120));
    } else if (connection.badMessages >= this.options.wsMaxBadMessages) {
      // Bad messages, or messages over the rate limit, in a row.
      connection.close(WsCloseCode.PolicyViolation, `${connection.badMessages} bad messages in a row`);
    } else if (error.reason === 'unavailable') {
      connection.close(WsCloseCode.TryAgainLater, 'server unavailable');
    }
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
