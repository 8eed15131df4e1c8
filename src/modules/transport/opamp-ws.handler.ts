import { type IncomingMessage } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { type RawData, type WebSocket } from 'ws';
import {
  formatInstanceUid,
  MalformedMessageError,
  OpampCodec,
  ProtocolError,
  WsCloseCode,
} from '../protocol/index.js';
import { InjectServerConfig, type ServerConfig } from '../config/index.js';
import { OpampServer } from '../session/index.js';
import { TransportEvents, type MessageOutcome } from './transport-events.js';
import { WsAgentConnection } from './ws-agent-connection.js';

/** Serves the WebSocket transport: binary messages with a varint header, replies and pushes on the socket. */
@Injectable()
export class OpampWebSocketHandler {
  private readonly logger = new Logger(OpampWebSocketHandler.name);
  private readonly connections = new Set<WsAgentConnection>();

  constructor(
    private readonly codec: OpampCodec,
    private readonly server: OpampServer,
    @InjectServerConfig() private readonly config: ServerConfig,
    private readonly events: TransportEvents,
  ) {}

  /** Open agent WebSockets. */
  get connectionCount(): number {
    return this.connections.size;
  }

  accept(socket: WebSocket, request: IncomingMessage): void {
    const remote = request.socket.remoteAddress ?? 'unix';
    const connection = new WsAgentConnection(
      socket,
      remote,
      request.headers,
      this.codec,
      this.config.opamp.maxMessageBytes * 2,
    );
    this.connections.add(connection);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      connection.alive = true;
      connection.enqueue(() => this.onMessage(connection, toBuffer(data), isBinary));
    });
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('error', (error: Error) => {
      this.logger.warn({ connection: connection.id, remote, err: error.message }, 'WebSocket error');
    });
    socket.on('close', (code: number) => {
      this.connections.delete(connection);
      connection.enqueue(async () => this.server.connectionClosed(connection));
      this.logger.debug({ connection: connection.id, code }, 'WebSocket closed');
    });
  }

  /** Pings every socket; those that missed the previous ping are terminated. */
  pingAll(): void {
    for (const connection of this.connections) connection.ping();
  }

  /** Closes every agent WebSocket with 1001 (server going away). */
  closeAll(): void {
    for (const connection of this.connections)
      connection.close(WsCloseCode.GoingAway, 'server shutting down');
  }

  private async onMessage(connection: WsAgentConnection, data: Buffer, isBinary: boolean): Promise<void> {
    let instanceUid: Uint8Array = Buffer.alloc(0);
    const started = performance.now();
    let outcome: MessageOutcome = 'ok';
    try {
      if (!isBinary) {
        throw new MalformedMessageError(
          'OpAMP uses binary WebSocket messages; got a text message',
          'non-binary-frame',
        );
      }
      const message = this.codec.decodeWsMessage(data);
      instanceUid = message.instanceUid;
      const reply = await this.server.handle(connection, message);
      connection.badMessages = 0;
      await connection.push(reply);
    } catch (error) {
      outcome = error instanceof ProtocolError ? 'refused' : 'error';
      await this.fail(connection, instanceUid, error);
    } finally {
      const durationS = (performance.now() - started) / 1000;
      this.events.emit({ type: 'handled', transport: 'websocket', outcome, durationS });
    }
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
    this.logger.warn(
      {
        ...(instanceUid.length > 0 ? { agent: formatInstanceUid(instanceUid) } : {}),
        connection: connection.id,
        remote: connection.remoteAddress,
        reason: error.reason,
        err: error.message,
      },
      'refused an OpAMP WebSocket message',
    );
    try {
      if (connection.canPush) await connection.push(this.codec.errorReply(instanceUid, error));
    } catch {
      return; // the write failure already closed the socket
    }
    if (error.wsCloseCode !== undefined) {
      connection.close(error.wsCloseCode, error.message.slice(0, 120));
    } else if (connection.badMessages >= this.config.opamp.wsMaxBadMessages) {
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
