import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import {
  AgentToServer,
  ServerToAgent,
  ServerToAgentFlags,
  type AgentConfigFile,
} from '../../../src/generated/opamp/v1/opamp.js';
import { type ContainerConfig } from './agent-messages.js';
import { headerValue, HttpMessageReader, type RawHeaderLine, type RawHttpMessage } from './raw-http.js';

type ServerToAgentInit = Parameters<typeof ServerToAgent.fromPartial>[0];

/** One request as the fake server saw it on the wire. */
export interface FakeOdigletRequest {
  /** Increments per accepted connection: equal ids mean a reused (keep-alive) connection. */
  readonly connectionId: number;
  readonly method: string;
  readonly path: string;
  /** Header lines exactly as received (values untrimmed). */
  readonly headers: readonly RawHeaderLine[];
  readonly rawHead: Buffer;
  readonly body: Buffer;
  /** The decoded body, when it decoded. */
  readonly message?: AgentToServer;
  /** What the fake answered. */
  status: number;
  reply?: ServerToAgent;
}

/** An answer that replaces the default handling of one request. */
export interface FakeOdigletReply {
  status?: number;
  /** A `ServerToAgent` to encode (the uid is filled in when missing). */
  message?: ServerToAgentInit;
  /** Raw body instead of `message`. */
  body?: Buffer;
  /** Extra response header lines. */
  headers?: Array<[string, string]>;
}

/** Options of {@link FakeOdiglet}. */
export interface FakeOdigletOptions {
  /** Listen on this Unix socket instead of 127.0.0.1:0 (docs/odigos.md). */
  socketPath?: string;
  /** The `container_config` served to every agent; `null` omits the key. Default `{containerName:"app", agentEnabled:true, traces:{}}`. */
  containerConfig?: ContainerConfig | null;
  /** More config-map sections (e.g. `SDK` for device-id agents), JSON-encoded. */
  extraSections?: Record<string, unknown>;
}

/** Decides how to answer a request; return undefined to let the odiglet logic answer. */
export type FakeOdigletInterceptor = (
  request: FakeOdigletRequest,
  known: boolean,
) => FakeOdigletReply | undefined;

/**
 * A tiny stand-in for odiglet's OpAMP server (docs/odigos.md) on a raw `net` server, so tests see
 * requests byte for byte (e.g. the Node agent's `Content-Type:  application/x-protobuf`, which every HTTP
 * parser trims). Behaviour: only `POST /v1/opamp`; `Content-Type` must be `application/x-protobuf` after
 * trimming (else 400); undecodable body or empty uid → 400; an unknown uid without description →
 * `flags=ReportFullState`; an unknown uid with description is cached and gets `remote_config`
 * (`container_config` + `InstrumentationLibraries:"[]"`, hash = SHA-256 of the bodies in key order);
 * a known uid gets `remote_config` again when `remote_config_status` is missing or its hash differs;
 * `agent_disconnect` forgets the uid. Keeps connections alive like Go's `net/http`.
 */
export class FakeOdiglet {
  readonly requests: FakeOdigletRequest[] = [];
  /** Set to answer some requests differently (errors, missing `remote_config`, ...). */
  interceptor?: FakeOdigletInterceptor;
  private readonly known = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private connections = 0;
  private containerConfig: ContainerConfig | null;
  private readonly extraSections: Record<string, unknown>;

  private constructor(
    private readonly server: Server,
    options: FakeOdigletOptions,
  ) {
    this.containerConfig =
      options.containerConfig === undefined
        ? { containerName: 'app', agentEnabled: true, traces: {} }
        : options.containerConfig;
    this.extraSections = options.extraSections ?? {};
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts listening (TCP on 127.0.0.1, or the Unix socket). */
  static async start(options: FakeOdigletOptions = {}): Promise<FakeOdiglet> {
    const fake = new FakeOdiglet(createServer(), options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      if (options.socketPath) fake.server.listen(options.socketPath, resolve);
      else fake.server.listen(0, '127.0.0.1', resolve);
    });
    return fake;
  }

  /** `host:port`, as in `ODIGOS_OPAMP_SERVER_HOST` (TCP only). */
  get serverHost(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening on TCP');
    return `127.0.0.1:${address.port}`;
  }

  /** How many connections were accepted so far. */
  get connectionCount(): number {
    return this.connections;
  }

  /** The requests that carried an `AgentToServer`. */
  get messages(): AgentToServer[] {
    return this.requests.flatMap((r) => (r.message ? [r.message] : []));
  }

  /** Changes the served `container_config` (and so the hash); `null` omits the key. */
  setContainerConfig(config: ContainerConfig | null): void {
    this.containerConfig = config;
  }

  /** Forgets every agent, as an odiglet restart does. */
  forgetAgents(): void {
    this.known.clear();
  }

  /** Whether the uid (text) is cached. */
  knows(uid: string): boolean {
    return this.known.has(uid);
  }

  /** The config hash currently served. */
  get configHash(): Buffer {
    return this.remoteConfig().configHash;
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connectionId = ++this.connections;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new HttpMessageReader('request');
    socket.on('data', (chunk: Buffer) => {
      for (const message of reader.push(chunk)) this.answer(socket, connectionId, message);
    });
  }

  private answer(socket: Socket, connectionId: number, raw: RawHttpMessage): void {
    const [method = '', path = ''] = raw.startLine.split(' ');
    let message: AgentToServer | undefined;
    try {
      message = AgentToServer.decode(raw.body);
    } catch {
      message = undefined;
    }
    const request: FakeOdigletRequest = {
      connectionId,
      method,
      path,
      headers: raw.headers,
      rawHead: raw.rawHead,
      body: raw.body,
      message,
      status: 0,
    };
    this.requests.push(request);
    const uid = message?.instanceUid.toString('utf8') ?? '';
    const reply = this.interceptor?.(request, this.known.has(uid)) ?? this.handle(request, message);
    let body = reply.body ?? Buffer.alloc(0);
    if (!reply.body && reply.message) {
      const decoded = ServerToAgent.fromPartial({ instanceUid: message?.instanceUid, ...reply.message });
      request.reply = decoded;
      body = Buffer.from(ServerToAgent.encode(decoded).finish());
    }
    request.status = reply.status ?? 200;
    const isProtobuf = reply.body === undefined && reply.message !== undefined;
    const headers: Array<[string, string]> = [
      ...(isProtobuf ? [['Content-Type', 'application/x-protobuf'] as [string, string]] : []),
      ['Content-Length', String(body.length)],
      ...(reply.headers ?? []),
    ];
    const head = [`HTTP/1.1 ${request.status} X`, ...headers.map(([n, v]) => `${n}: ${v}`), '', ''].join(
      '\r\n',
    );
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    if (/close/i.test(headerValue(raw.headers, 'connection') ?? '')) socket.end();
  }

  /** odiglet's `server.go` + `handlers.go`, reduced to what the agents can observe. */
  private handle(request: FakeOdigletRequest, message: AgentToServer | undefined): FakeOdigletReply {
    if (request.path !== '/v1/opamp') return { status: 404, body: Buffer.from('404 page not found\n') };
    if (request.method !== 'POST') return { status: 405, body: Buffer.from('Method Not Allowed\n') };
    if (headerValue(request.headers, 'content-type') !== 'application/x-protobuf') {
      return { status: 400, body: Buffer.from('Content-Type must be application/x-protobuf\n') };
    }
    if (!message || message.instanceUid.length === 0) return { status: 400 };
    const uid = message.instanceUid.toString('utf8');
    let reply: FakeOdigletReply;
    if (!this.known.has(uid)) {
      if (!message.agentDescription) {
        return { message: { flags: BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) } };
      }
      this.known.add(uid);
      reply = { message: { remoteConfig: this.remoteConfig() } };
    } else {
      const status = message.remoteConfigStatus;
      const current = this.remoteConfig();
      const stale = !status || !status.lastRemoteConfigHash.equals(current.configHash);
      reply = { message: stale ? { remoteConfig: current } : {} };
    }
    if (message.agentDisconnect) this.known.delete(uid);
    return reply;
  }

  private remoteConfig(): { config: { configMap: Record<string, AgentConfigFile> }; configHash: Buffer } {
    const sections: Record<string, unknown> = { InstrumentationLibraries: [], ...this.extraSections };
    if (this.containerConfig !== null) sections['container_config'] = this.containerConfig;
    const configMap: Record<string, AgentConfigFile> = {};
    for (const [key, value] of Object.entries(sections)) {
      configMap[key] = { contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) };
    }
    const hash = createHash('sha256');
    for (const key of Object.keys(configMap).sort()) hash.update(configMap[key]!.body);
    return { config: { configMap }, configHash: Buffer.from(hash.digest('hex')) };
  }
}
