import {
  type AgentRemoteConfig,
  type AgentToServer,
  type ServerToAgent,
} from '../generated/opamp/v1/opamp.js';
import { type KeyValue } from '../generated/opamp/v1/anyvalue.js';
import { type AgentIdentity } from './agent-identity.types.js';
import { type AgentRecordMapping } from './agent-record-mapping.types.js';
import { type AgentStatusField, type AgentView } from './agent-view.types.js';
import { type ConnectionRequest, type DisconnectReason } from './transport.types.js';

/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** The answer of an `authorize` hook. */
export type AuthorizeDecision =
  | { readonly accept: true }
  | {
      readonly accept: false;
      /** HTTP status: 401 for missing or bad credentials, 403 when forbidden, 429/503 to slow down. */
      readonly status: number;
      /** Told to the agent and logged. */
      readonly reason: string;
      /** Seconds the agent should wait before retrying (sent as `Retry-After`). */
      readonly retryAfterS?: number;
    };

/** One message being handled. */
export interface MessageContext {
  /** The agent the message is from, after the message's status was merged in. */
  readonly agent: AgentView;
  readonly message: AgentToServer;
  /** The HTTP request or WebSocket the message came on. */
  readonly connection: ConnectionRequest;
}

/** A message being handled, with the reply built so far (read-only: return what to add). */
export interface ReplyContext extends MessageContext {
  readonly reply: Readonly<ServerToAgent>;
}

/**
 * Resource attributes for an agent and how they reach it. Returning a plain `KeyValue[]` means the default
 * delivery.
 */
export interface ResourceAttributesAnswer {
  readonly attributes: readonly KeyValue[];
  /**
   * Name of the remote-config file that carries the attributes to the agent, merged into the remote config
   * offered to it (only agents that accept remote config receive one). The file is JSON, one member per
   * attribute (`{"service.name":"checkout"}`), content type `application/json`. `false`: the plugin
   * delivers them itself (in its own `remoteConfig` answer). Default `resource-attributes.json`.
   */
  readonly configFile?: string | false;
}

/** What the `certificateSubject` hook is shown of an agent's certificate signing request. */
export interface CertificateRequestSubject {
  /** The requested subject as RFC 4514 text, e.g. `CN=agent-1, O=acme`. */
  readonly subject: string;
  /** The requested subject alternative names: `DNS:host`, `URI:spiffe://…`, `IP:10.0.0.1`, `email:…`. */
  readonly subjectAltNames: readonly string[];
}

/** Changes a plugin asks for after observing a status change; the server applies them. */
export interface AgentUpdate {
  /** Replaces the agent's identity (for example once a late description completes it). */
  readonly identity?: AgentIdentity;
}

/**
 * What a plugin may implement; every hook is optional. Deciding hooks (`authorize`, `identify`,
 * `resourceAttributes`, `remoteConfig`) are asked in plugin order and the first answer other than
 * `undefined` wins. Observing hooks are called on every plugin. A hook that throws or exceeds
 * `PLUGIN_TIMEOUT_MS` is logged with the plugin's name and skipped; throwing a `ProtocolError` is the one
 * way to refuse a message on purpose (the agent receives that error).
 *
 * Hooks receive read-only views. A plugin changes what the server does only through what it returns.
 */
export interface OpampPluginHooks {
  /** Accept or reject a connection before its messages are read. Default: accept. */
  authorize?(request: ConnectionRequest): Awaitable<AuthorizeDecision | undefined>;
  /**
   * Who the agent is. Asked on each message until some plugin answers; return undefined while you need
   * more (e.g. the agent description, which the server asks for with ReportFullState).
   * Default, once the agent has described itself: its instance uid alone.
   */
  identify?(context: MessageContext): Awaitable<AgentIdentity | undefined>;
  /** Resource attributes for an identified agent, computed once per session. Default: none. */
  resourceAttributes?(
    agent: AgentView,
  ): Awaitable<ResourceAttributesAnswer | readonly KeyValue[] | undefined>;
  /**
   * The remote configuration to offer an identified agent. The server fills `config_hash` when it is
   * empty, and sends the config only when the agent's reported hash differs. Default: none.
   */
  remoteConfig?(agent: AgentView): Awaitable<AgentRemoteConfig | undefined>;
  /**
   * Whether the agent may have a client certificate for the subject its CSR asks for (a deciding hook;
   * asked only for CSRs that parsed and verified, and only when a client CA is configured). `false`
   * refuses the CSR (the agent receives a BadRequest error). Default, when no plugin answers: only a CSR
   * whose CN, or a DNS or URI subject alternative name, is the agent's instance uid as displayed (a UUID).
   */
  certificateSubject?(agent: AgentView, csr: CertificateRequestSubject): Awaitable<boolean | undefined>;
  /** A new session started. */
  onConnect?(agent: AgentView): Awaitable<void>;
  /** After each message; the returned fields are added to the reply (subject to the agent's capabilities). */
  onMessage?(context: ReplyContext): Awaitable<Partial<ServerToAgent> | void>;
  /** Some status fields changed value (description, health, ...); may return changes to apply. */
  onStatusChange?(agent: AgentView, changed: readonly AgentStatusField[]): Awaitable<AgentUpdate | void>;
  /** A session ended. */
  onDisconnect?(agent: AgentView, reason: DisconnectReason): Awaitable<void>;
  /**
   * How this plugin's agents are persisted; asked once at start-up (the first plugin that answers wins).
   * Default: one `AgentSnapshot` per agent.
   */
  recordMapping?(): AgentRecordMapping | undefined;
}

/** Options of the `@OpampPlugin` decorator. */
export interface OpampPluginOptions {
  /** Shown in logs and metrics; unique among plugins. */
  name: string;
  /** Lower runs first; ties by name. Default 100. */
  order?: number;
}
