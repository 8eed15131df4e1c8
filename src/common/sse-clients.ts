import { type ServerResponse } from 'node:http';

/** How a {@link SseClients} serves its streams. */
export interface SseClientsOptions {
  /** A `: heartbeat` comment this often, while a client listens, keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /** A client with more than this many bytes unsent cannot keep up: it is dropped. */
  readonly maxBufferedBytes: number;
  /** How long a stream's last bytes may take to leave at {@link SseClients.close}, ms. @default 1000 */
  readonly closeGraceMs?: number;
  /** Told of each client dropped for not keeping up, with the bytes it had unsent. */
  readonly onSlowClient?: (bufferedBytes: number) => void;
}

/** A stream's head: no caching, no proxy buffering (nginx's `X-Accel-Buffering`). */
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

const DEFAULT_CLOSE_GRACE_MS = 1000;

/**
 * The open Server-Sent Events streams of one endpoint
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html): each attached raw response gets the
 * stream's head and a `: connected` comment, then every frame sent, serialized once for all; a heartbeat
 * comment while any client listens; a client that stops reading is dropped once its unsent bytes pass the
 * limit. {@link close} ends every stream and destroys its socket, so the listener can close.
 */
export class SseClients {
  private readonly clients = new Set<ServerResponse>();
  private heartbeatTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: SseClientsOptions) {}

  /** How many streams are open. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Starts a stream on `response` (already authorized); `onClose` is called once it ends, whether the
   * client went, was dropped or the streams were closed. After {@link close}, the response is ended at once.
   */
  attach(response: ServerResponse, onClose?: () => void): void {
    if (this.closed) {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, STREAM_HEADERS);
    response.write(': connected\n\n');
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.stopHeartbeat();
      onClose?.();
    });
    this.heartbeatTimer ??= setInterval(() => this.broadcast(': heartbeat\n\n'), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** Sends the event `event` with `data` as its JSON data line to every client. */
  send(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    this.broadcast(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /**
   * Ends every stream and refuses new ones. Each socket is destroyed once the end is written, or after the
   * grace if the client does not read it: a finished response lets go of its socket, and an idle keep-alive
   * socket (or one whose client stopped reading) would hold the listener's close until a timeout.
   */
  close(): void {
    this.closed = true;
    this.stopHeartbeat();
    const graceMs = this.options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
    for (const client of [...this.clients]) {
      const socket = client.socket;
      client.end(() => socket?.destroy());
      setTimeout(() => socket?.destroy(), graceMs).unref();
    }
    this.clients.clear();
  }

  private broadcast(frame: string): void {
    for (const client of [...this.clients]) {
      if (client.writableLength > this.options.maxBufferedBytes) {
        this.clients.delete(client);
        this.options.onSlowClient?.(client.writableLength);
        client.destroy();
        continue;
      }
      client.write(frame);
    }
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}
