import { type SecureContextOptions } from 'node:tls';
import { WebSocket, type RawData } from 'ws';
import { ServerToAgent } from '../../src/generated/opamp/v1/opamp.js';
import { encodeAgentToServer } from './opamp-messages.js';

type Init = Parameters<typeof encodeAgentToServer>[0];

/** A minimal WebSocket OpAMP agent for tests: sends framed messages, collects decoded replies. */
export class WsTestAgent {
  readonly received: ServerToAgent[] = [];
  readonly rawFrames: Buffer[] = [];
  closeCode?: number;
  closeReason?: string;
  private waiters: Array<() => void> = [];
  private readonly closed: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      const frame = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      this.rawFrames.push(frame);
      this.received.push(ServerToAgent.decode(frame.subarray(1)));
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.wake();
        resolve();
      }),
    );
  }

  /** Opens a WebSocket to `url`; a `wss:` one trusts and presents what `tls` gives (CA, certificate, key). */
  static async connect(
    url: string,
    headers?: Record<string, string>,
    tls: SecureContextOptions = {},
  ): Promise<WsTestAgent> {
    const socket = new WebSocket(url, { headers, ...tls });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new WsTestAgent(socket);
  }

  /** Sends one AgentToServer with the 0 header. */
  send(message: Init): void {
    this.sendRaw(Buffer.concat([Buffer.from([0]), encodeAgentToServer(message)]));
  }

  sendRaw(frame: Buffer | string): void {
    this.socket.send(frame, { binary: typeof frame !== 'string' });
  }

  /** Sends a message and waits for the next reply. */
  async request(message: Init, timeoutMs = 2000): Promise<ServerToAgent> {
    const count = this.received.length;
    this.send(message);
    return this.nextMessage(count, timeoutMs);
  }

  /** Waits until more than `count` messages have arrived and returns message number `count`. */
  async nextMessage(count = this.received.length, timeoutMs = 2000): Promise<ServerToAgent> {
    await this.until(() => this.received.length > count, timeoutMs, 'a ServerToAgent');
    return this.received[count]!;
  }

  /** Waits for the socket to close. */
  async waitClosed(timeoutMs = 2000): Promise<void> {
    await this.until(() => this.closeCode !== undefined, timeoutMs, 'the socket to close');
    await this.closed;
  }

  close(): void {
    this.socket.close();
  }

  private async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Opens test agents against one URL and closes them all after each test. */
export class WsAgentPool {
  private readonly agents: WsTestAgent[] = [];

  constructor(private readonly url: () => string) {}

  async connect(headers?: Record<string, string>): Promise<WsTestAgent> {
    const agent = await WsTestAgent.connect(this.url(), headers);
    this.agents.push(agent);
    return agent;
  }

  closeAll(): void {
    for (const agent of this.agents.splice(0)) agent.close();
  }
}
