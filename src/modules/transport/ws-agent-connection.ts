import { type IncomingHttpHeaders } from 'node:http';
import { Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import { type Awaitable, isThenable } from '../../common/awaitable.js';
import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { type OpampCodec, WsCloseCode } from '../protocol/index.js';
import { type AgentConnection } from '../session/index.js';
import { type TokenBucket } from './token-bucket.js';

let nextId = 0;
const BINARY = { binary: true } as const;

/**
 * One agent WebSocket. Incoming messages are handled strictly one after another; outgoing ones are
 * written by one writer in order, and a failed or backed-up write closes the socket instead of retrying.
 */
export class WsAgentConnection implements AgentConnection {
  private static readonly logger = new Logger('WsAgentConnection');
  readonly id = `ws-${++nextId}`;
  readonly transport = 'websocket' as const;
  /** Set by any message; read and cleared by each {@link keepAlive} tick. */
  heard = false;
  /** A ping went out and its pong has not come back. */
  awaitingPong = false;
  /** Consecutive messages that could not be served. */
  badMessages = 0;
  /** Its slot in the handler's keep-alive wheel. */
  keepAliveSlot = 0;
  private running = false;
  private readonly waiting: Array<() => Awaitable<void>> = [];
  private handshakeTimer?: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    readonly remoteAddress: string,
    readonly headers: IncomingHttpHeaders,
    private readonly codec: OpampCodec,
    /** Bytes buffered unsent beyond which the peer is too slow and the socket is closed. */
    private readonly maxBufferedBytes: number,
    /** Messages this socket may send (`MAX_MESSAGES_PER_SECOND`). */
    readonly rateLimit: TokenBucket,
  ) {}

  /**
   * Closes the socket (1008) unless its first message arrives within `timeoutMs` (`WS_HANDSHAKE_TIMEOUT_S`):
   * an upgraded socket that never speaks OpAMP must not hold a connection slot forever.
   */
  expectFirstMessageWithin(timeoutMs: number): void {
    this.handshakeTimer = setTimeout(() => {
      WsAgentConnection.logger.warn(
        { connection: this.id, remote: this.remoteAddress, timeoutMs },
        'no OpAMP message after the WebSocket upgrade; closing',
      );
      this.close(WsCloseCode.PolicyViolation, 'no OpAMP message within WS_HANDSHAKE_TIMEOUT_S');
    }, timeoutMs);
    this.handshakeTimer.unref();
  }

  /** The first message arrived (or the socket closed): the handshake timer is not needed any more. */
  firstMessageArrived(): void {
    if (this.handshakeTimer === undefined) return;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  get canPush(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Runs `task` after every earlier message of this connection has been handled: at once when the
   * connection is idle, else after the tasks already waiting. A task that answers synchronously (a
   * heartbeat on the pipeline's fast path) is done before this returns: no promise, no microtask turn.
   */
  enqueue(task: () => Awaitable<void>): void {
    if (this.running) {
      this.waiting.push(task);
      return;
    }
    this.run(task);
  }

  private run(first: () => Awaitable<void>): void {
    this.running = true;
    let task: (() => Awaitable<void>) | undefined = first;
    while (task) {
      let pending: Awaitable<void>;
      try {
        pending = task();
      } catch {
        pending = undefined; // a task reports its own failures; a throw must not stall the queue
      }
      if (isThenable(pending)) {
        pending.then(this.runNext, this.runNext);
        return;
      }
      task = this.waiting.shift();
    }
    this.running = false;
  }

  private readonly runNext = (): void => {
    const task = this.waiting.shift();
    if (task) this.run(task);
    else this.running = false;
  };

  /**
   * Sends the reply to a message without waiting for the write to complete (the next message of the
   * socket need not wait for the kernel); a failed write closes the socket. A reply to a socket that
   * closed meanwhile is dropped.
   * @throws Error when the reply is over the size limit or the socket is backed up.
   */
  reply(message: ServerToAgent): void {
    if (!this.canPush) return;
    const frame = this.codec.encodeWsMessage(message);
    if (!frame) {
      throw new Error(
        `reply to ${this.id} exceeds the ${this.codec.maxMessageBytes}-byte limit and was dropped`,
      );
    }
    this.assertWritable();
    this.socket.send(frame, BINARY, this.onWritten);
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

  /** Writes an already framed message; resolves once it is written. */
  write(frame: Buffer): Promise<void> {
    try {
      this.assertWritable();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      this.socket.send(frame, BINARY, (error) => {
        this.onWritten(error);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  private assertWritable(): void {
    if (!this.canPush) throw new Error(`WebSocket ${this.id} is not open`);
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.close(WsCloseCode.PolicyViolation, 'agent is not reading its messages');
      throw new Error(`WebSocket ${this.id} has too many unsent bytes; closed`);
    }
  }

  private readonly onWritten = (error?: Error): void => {
    if (!error) return;
    WsAgentConnection.logger.warn({ connection: this.id, err: error }, 'WebSocket write failed; closing');
    this.socket.terminate();
  };

  /**
   * One keep-alive tick. A socket heard from since the last tick needs no ping (an agent sending every few
   * seconds is never pinged); one that left the last tick's ping unanswered is terminated; others are pinged.
   */
  keepAlive(): void {
    if (this.heard) {
      this.heard = false;
      this.awaitingPong = false;
      return;
    }
    if (this.awaitingPong) {
      WsAgentConnection.logger.warn({ connection: this.id, remote: this.remoteAddress }, 'no pong; closing');
      this.socket.terminate();
      return;
    }
    this.awaitingPong = true;
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
