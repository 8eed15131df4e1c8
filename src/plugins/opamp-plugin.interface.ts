import {
  type AgentRemoteConfig,
  type AgentToServer,
  type ServerToAgent,
} from '../generated/opamp/v1/opamp.js';
import { type KeyValue } from '../generated/opamp/v1/anyvalue.js';
import {
  type AgentIdentity,
  type AgentSession,
  type AgentStatusField,
  type DisconnectReason,
  type TransportKind,
} from '../modules/session/index.js';
import { type Awaitable } from '../common/awaitable.js';

/** A value or a promise of it. */
export type { Awaitable };

/** An incoming HTTP request or WebSocket upgrade, before any message is read. */
export interface ConnectionRequest {
  readonly transport: TransportKind;
  readonly remoteAddress: string;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

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
  readonly session: AgentSession;
  readonly message: AgentToServer;
  readonly connection: ConnectionRequest;
}

/**
 * What a plugin may implement; every hook is optional. Deciding hooks (`authorize`, `identify`,
 * `resourceAttributes`, `remoteConfig`) are asked in plugin order and the first answer other than
 * `undefined` wins. Observing hooks are called on every plugin. A hook that throws or exceeds
 * `PLUGIN_TIMEOUT_MS` is logged with the plugin's name and skipped; throwing a `ProtocolError` is the one
 * way to refuse a message on purpose (the agent receives that error).
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
  resourceAttributes?(session: AgentSession): Awaitable<KeyValue[] | undefined>;
  /**
   * The remote configuration to offer an identified agent. The server fills `config_hash` when it is
   * empty, and sends the config only when the agent's reported hash differs. Default: none.
   */
  remoteConfig?(session: AgentSession): Awaitable<AgentRemoteConfig | undefined>;
  /** A new session started. */
  onConnect?(session: AgentSession): Awaitable<void>;
  /** After each message; the returned fields are added to the reply (subject to the agent's capabilities). */
  onMessage?(
    context: MessageContext & { readonly reply: ServerToAgent },
  ): Awaitable<Partial<ServerToAgent> | void>;
  /** Some status fields changed value (description, health, ...). */
  onStatusChange?(session: AgentSession, changed: readonly AgentStatusField[]): Awaitable<void>;
  /** A session ended. */
  onDisconnect?(session: AgentSession, reason: DisconnectReason): Awaitable<void>;
}

/** Options of the {@link OpampPlugin} decorator. */
export interface OpampPluginOptions {
  /** Shown in logs and metrics; unique among plugins. */
  name: string;
  /** Lower runs first; ties by name. Default 100. */
  order?: number;
}
