import { type IncomingHttpHeaders } from 'node:http';
import { Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { type OpampCodec, WsCloseCode } from '../protocol/index.js';
import { type AgentConnection } from '../session/index.js';

let nextId = 0;

/**
 * One agent WebSocket. Incoming messages are handled strictly one after another; outgoing ones are
 * written by one writer in order, and a failed or backed-up write closes the socket instead of retrying.
 */
export class WsAgentConnection implements AgentConnection {
  private static readonly logger = new Logger('WsAgentConnection');
  readonly id = `ws-${++nextId}`;
  readonly transport = 'websocket' as const;
  /** Set by a pong or any message; cleared by each keep-alive ping. */
  alive = true;
  /** Consecutive messages that could not be served. */
  badMessages = 0;
  private inbox: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    readonly remoteAddress: string,
    readonly headers: IncomingHttpHeaders,
    private readonly codec: OpampCodec,
    /** Bytes buffered unsent beyond which the peer is too slow and the socket is closed. */
    private readonly maxBufferedBytes: number,
  ) {}

  get canPush(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Runs `task` after every earlier message of this connection has been handled. */
  enqueue(task: () => Promise<void>): void {
    this.inbox = this.inbox.then(task, task);
  }

  push(message: ServerToAgent): Promise<void> {
    const frame = this.codec.encodeWsMessage(message);
    if (!frame) {
      return Promise.reject(
        new Error(`reply to ${this.id} exceeds the ${this.codec.maxMessageBytes}-byte limit and was dropped`),
      );
    }
    return this.write(frame);
  }

  /** Writes an already framed message. */
  write(frame: Buffer): Promise<void> {
    if (!this.canPush) return Promise.reject(new Error(`WebSocket ${this.id} is not open`));
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.close(WsCloseCode.PolicyViolation, 'agent is not reading its messages');
      return Promise.reject(new Error(`WebSocket ${this.id} has too many unsent bytes; closed`));
    }
    return new Promise((resolve, reject) => {
      this.socket.send(frame, { binary: true }, (error) => {
        if (!error) return resolve();
        WsAgentConnection.logger.warn({ connection: this.id, err: error }, 'WebSocket write failed; closing');
        this.socket.terminate();
        reject(error);
      });
    });
  }

  /** Sends a ping; a socket that did not answer the previous one is terminated. */
  ping(): void {
    if (!this.alive) {
      WsAgentConnection.logger.warn({ connection: this.id, remote: this.remoteAddress }, 'no pong; closing');
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  /** Closes without the handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}
