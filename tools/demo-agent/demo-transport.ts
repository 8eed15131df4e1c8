import { WebSocket, type RawData } from 'ws';
import { AgentToServer, ServerToAgent } from '../../src/generated/opamp/v1/opamp.js';
import { OPAMP_CONTENT_TYPE, unwrapWsMessage, wrapWsMessage } from '../../src/modules/protocol/index.js';

/** A failure the demo agent explains to its user in one sentence (no stack trace). */
export class DemoAgentError extends Error {
  override readonly name = 'DemoAgentError';
}

/** Which OpAMP transport the demo agent speaks. */
export type DemoTransportKind = 'ws' | 'http';

/** A connection to an OpAMP server, whatever the transport. */
export interface DemoTransport {
  /** Sends one message and resolves with the next message from the server: its reply. */
  exchange(message: AgentToServer): Promise<ServerToAgent>;
  /** Ends the connection (closes the WebSocket; nothing to do for HTTP). */
  close(): Promise<void>;
}

/** Settings of {@link openTransport}. */
export interface TransportSettings {
  kind: DemoTransportKind;
  /** ws(s):// for WebSocket, http(s):// for HTTP. */
  url: string;
  /** How long to wait for a connection or a reply. */
  timeoutMs: number;
  /** Called with every WebSocket message that no exchange was waiting for (a server push). */
  onPush: (message: ServerToAgent) => void;
}

/** Connects to the server (for HTTP, only checks the URL: each exchange is its own POST). */
export async function openTransport(settings: TransportSettings): Promise<DemoTransport> {
  return settings.kind === 'ws' ? WsTransport.connect(settings) : new HttpTransport(settings);
}

/**
 * Why a connection attempt failed, from a Node network error (`ECONNREFUSED`, `ENOTFOUND`...) or the
 * `cause` of a failed fetch. Duck-typed: the error may come from another realm (e.g. a test sandbox).
 */
function networkCause(error: unknown): string {
  const { cause } = (error ?? {}) as { cause?: unknown };
  const source = (typeof cause === 'object' && cause !== null ? cause : error) as {
    code?: unknown;
    message?: unknown;
  };
  if (typeof source?.code === 'string') return source.code;
  return typeof source?.message === 'string' ? source.message : String(source);
}

/** OpAMP over WebSocket: binary messages, each a varint header 0 followed by the protobuf. */
class WsTransport implements DemoTransport {
  private waiting?: { resolve: (message: ServerToAgent) => void; reject: (error: Error) => void };
  private failure?: Error;

  private constructor(
    private readonly socket: WebSocket,
    private readonly settings: TransportSettings,
  ) {
    socket.on('message', (data: RawData) => this.receive(data));
    socket.on('error', (error: Error) => this.fail(new DemoAgentError(`WebSocket error: ${error.message}`)));
    socket.on('close', (code: number, reason: Buffer) =>
      this.fail(new DemoAgentError(`the server closed the WebSocket (${code} ${reason.toString()})`.trim())),
    );
  }

  static connect(settings: TransportSettings): Promise<WsTransport> {
    const socket = new WebSocket(settings.url, { handshakeTimeout: settings.timeoutMs });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        socket.removeAllListeners('error');
        resolve(new WsTransport(socket, settings));
      });
      socket.once('error', (error: Error) =>
        reject(
          new DemoAgentError(`cannot reach the OpAMP server at ${settings.url} (${networkCause(error)})`),
        ),
      );
    });
  }

  exchange(message: AgentToServer): Promise<ServerToAgent> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new DemoAgentError(`no reply within ${this.settings.timeoutMs} ms`));
      }, this.settings.timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiting = undefined;
      };
      this.waiting = {
        resolve: (reply) => (done(), resolve(reply)),
        reject: (error) => (done(), reject(error)),
      };
      this.socket.send(wrapWsMessage(AgentToServer.encode(message).finish()), { binary: true });
    });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    const timer = setTimeout(() => this.socket.terminate(), this.settings.timeoutMs);
    this.failure ??= new DemoAgentError('the WebSocket is closed');
    this.socket.close(1000, 'demo agent done');
    await closed;
    clearTimeout(timer);
  }

  private receive(data: RawData): void {
    let message: ServerToAgent;
    try {
      const frame = Buffer.isBuffer(data)
        ? data
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      message = ServerToAgent.decode(unwrapWsMessage(frame));
    } catch (error) {
      this.fail(new DemoAgentError(`unreadable message from the server: ${(error as Error).message}`));
      return;
    }
    if (this.waiting) this.waiting.resolve(message);
    else this.settings.onPush(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(this.failure);
  }
}

/** OpAMP over plain HTTP: each message is a POST whose response body is the reply. */
class HttpTransport implements DemoTransport {
  constructor(private readonly settings: TransportSettings) {}

  async exchange(message: AgentToServer): Promise<ServerToAgent> {
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers: { 'content-type': OPAMP_CONTENT_TYPE },
        body: AgentToServer.encode(message).finish(),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
        throw new DemoAgentError(`no reply within ${this.settings.timeoutMs} ms`);
      }
      throw new DemoAgentError(
        `cannot reach the OpAMP server at ${this.settings.url} (${networkCause(error)})`,
      );
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.startsWith(OPAMP_CONTENT_TYPE)) {
      const text = (await response.text()).slice(0, 200);
      throw new DemoAgentError(`HTTP ${response.status} from ${this.settings.url}: ${text || '(no body)'}`);
    }
    // Error statuses carry a ServerToAgent with error_response: decode it so the agent can print it.
    return ServerToAgent.decode(new Uint8Array(await response.arrayBuffer()));
  }

  async close(): Promise<void> {}
}
