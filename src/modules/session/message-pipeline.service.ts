import { Injectable, Logger } from '@nestjs/common';
import {
  AgentCapabilities,
  AgentToServerFlags,
  ServerCapabilities,
  ServerToAgentFlags,
  type ServerToAgent,
  type AgentRemoteConfig,
  type AgentToServer,
} from '../../generated/opamp/v1/opamp.js';
import { type Awaitable, isThenable } from '../../common/awaitable.js';
import { type Clock, InjectClock } from '../../common/clock.js';
import {
  type AgentStatusField,
  type AgentUpdate,
  type AuthorizeDecision,
  type ConnectionRequest,
  type DisconnectReason,
} from '../../plugin-api/index.js';
import { PluginHost } from '../plugins/index.js';
import {
  bitmask,
  hasCapability,
  newInstanceUid,
  ownBytes,
  newServerToAgent,
  restrictToAgentCapabilities,
  ServerUnavailableError,
  WsCloseCode,
} from '../protocol/index.js';
import { type AgentConnection } from './agent-connection.js';
import { AgentEvents } from './agent-events.js';
import { AgentRegistry } from './agent-registry.js';
import { AgentSession } from './agent-session.js';
import { mergeAgentStatus } from './agent-status.js';
import { carriesFullState, isSequenceGap } from './full-state.js';
import { ConnectionSessions } from './connection-sessions.js';
import { composeRemoteConfig, normalizeResourceAttributes } from './resource-attributes-delivery.js';

const REQUEST_INSTANCE_UID = BigInt(AgentToServerFlags.AgentToServerFlags_RequestInstanceUid);
const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);
const ACCEPT: AuthorizeDecision = { accept: true };
const NO_UPDATES: ReadonlyArray<AgentUpdate | void> = [];

/** One message on its way through the pipeline's steps. */
interface MessageStep {
  readonly session: AgentSession;
  readonly isNew: boolean;
  readonly message: AgentToServer;
  readonly connection: AgentConnection;
  readonly reply: ServerToAgent;
  readonly changed: readonly AgentStatusField[];
}

/** What happened to a message given to {@link MessagePipeline.push}. */
export type PushResult = 'sent' | 'queued';

/**
 * The message pipeline: turns each AgentToServer into exactly one ServerToAgent while keeping the
 * registry's picture of every agent right (identity, status compression, sequence gaps, capabilities,
 * disconnects). Transports call {@link handle}; never concurrently for one connection.
 */
@Injectable()
export class MessagePipeline {
  private readonly logger = new Logger(MessagePipeline.name);
  private capabilities = bitmask(
    ServerCapabilities.ServerCapabilities_AcceptsStatus,
    ServerCapabilities.ServerCapabilities_OffersRemoteConfig,
    ServerCapabilities.ServerCapabilities_AcceptsEffectiveConfig,
    ServerCapabilities.ServerCapabilities_AcceptsPackagesStatus,
  );
  private customCapabilities: string[] = [];
  private readonly sessionsByConnection = new ConnectionSessions();
  private drainingRetryAfterMs?: number;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly events: AgentEvents,
    private readonly plugins: PluginHost,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** The ServerCapabilities bit mask sent in each agent's first reply. */
  get serverCapabilities(): bigint {
    return this.capabilities;
  }

  /** Adds a capability a module implements (e.g. OffersRemoteConfig once a config source exists). */
  advertise(capability: ServerCapabilities): void {
    this.capabilities |= BigInt(capability);
  }

  /** Custom capabilities announced with the server capabilities (ServerToAgent.custom_capabilities). */
  get serverCustomCapabilities(): readonly string[] {
    return this.customCapabilities;
  }

  /** Adds a custom capability (reverse-FQDN name) the server announces in its first reply per connection. */
  advertiseCustomCapability(capability: string): void {
    if (!this.customCapabilities.includes(capability)) {
      this.customCapabilities = [...this.customCapabilities, capability];
    }
  }

  /** Whether the server is draining (shutting down): every message is refused with Unavailable. */
  get draining(): boolean {
    return this.drainingRetryAfterMs !== undefined;
  }

  /** Whether some plugin decides who may connect (else {@link authorize} always accepts). */
  get needsAuthorization(): boolean {
    return this.plugins.implements('authorize');
  }

  /**
   * Asks the plugins whether to accept a connection (an HTTP request or a WebSocket upgrade); a plain
   * value when every `authorize` hook answered synchronously (or none exists).
   */
  authorize(request: ConnectionRequest): Awaitable<AuthorizeDecision> {
    if (!this.plugins.implements('authorize')) return ACCEPT;
    const answer = this.plugins.decideNow('authorize', request);
    if (isThenable(answer)) return answer.then((decided) => decided?.value ?? ACCEPT);
    return answer?.value ?? ACCEPT;
  }

  /**
   * Handles one message from `connection` and returns the reply to send back. `uidKey` is the
   * `instanceUidKey` of the message's uid when the transport computed it already (rate limiting).
   */
  async handle(connection: AgentConnection, message: AgentToServer, uidKey?: string): Promise<ServerToAgent> {
    return this.handleNow(connection, message, uidKey);
  }

  /**
   * {@link handle} without a promise when every step answered synchronously (a heartbeat of a known agent
   * with synchronous plugins: the transports' fast path); a refusal is then thrown, not rejected.
   */
  handleNow(connection: AgentConnection, message: AgentToServer, uidKey?: string): Awaitable<ServerToAgent> {
    if (this.drainingRetryAfterMs !== undefined) {
      throw new ServerUnavailableError('server is shutting down; reconnect later', this.drainingRetryAfterMs);
    }
    const now = this.clock.now();
    const reply = newServerToAgent(message.instanceUid);
    const { session, isNew } = this.sessionFor(connection, message, reply, now, uidKey);

    if ((message.flags & REQUEST_INSTANCE_UID) !== 0n) this.assignNewUid(session, reply, isNew);

    const lost = isNew || isSequenceGap(session.lastSequenceNum, message.sequenceNum);
    if (lost && !carriesFullState(message)) reply.flags |= REPORT_FULL_STATE;

    // Compared first: storing an equal bigint would still replace the object the session holds.
    if (session.capabilities !== message.capabilities) session.capabilities = message.capabilities;
    const changed = mergeAgentStatus(session.status, message);
    session.lastSequenceNum = message.sequenceNum;
    session.lastSeenAt = now;
    session.messageCount++;

    const step: MessageStep = { session, isNew, message, connection, reply, changed };
    if (!session.identity) return this.identifyThenAnswer(step);
    return this.answer(step);
  }
  /**
   * Sets the remote config an agent should run (its hash is computed when empty). A WebSocket agent that
   * accepts remote config and reports another hash receives it at once; an HTTP agent on its next poll.
   */
  async setRemoteConfig(session: AgentSession, config: AgentRemoteConfig | undefined): Promise<void> {
    session.remoteConfig = composeRemoteConfig(
      config,
      session.resourceAttributes,
      session.resourceAttributesFile,
    );
    if (!session.remoteConfig || !session.connection?.canPush || !this.agentNeedsConfig(session)) return;
    if (
      !hasCapability(session.effectiveCapabilities, AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig)
    )
      return;
    await this.push(session, { remoteConfig: session.remoteConfig });
  }

  /** Asks the plugins again for an agent's remote config (e.g. after its source changed) and offers it. */
  async refreshRemoteConfig(session: AgentSession): Promise<void> {
    const answer = await this.plugins.decide('remoteConfig', session);
    await this.setRemoteConfig(session, answer?.value);
  }

  /**
   * Delivers `message` to an agent outside a request: at once over an open WebSocket, otherwise kept
   * for its next poll (only the latest value of each field is kept).
   */
  async push(session: AgentSession, message: Partial<ServerToAgent>): Promise<PushResult> {
    const connection = session.connection;
    if (connection?.canPush) {
      const reply = newServerToAgent(session.instanceUid);
      Object.assign(reply, message);
      this.announceCapabilities(session, connection, reply);
      this.restrict(session, reply);
      await connection.push(reply);
      return 'sent';
    }
    session.pending = { ...session.pending, ...message };
    return 'queued';
  }

  /** Ends a session: removes it from the registry, closes its WebSocket if the server chose to end it. */
  disconnect(session: AgentSession, reason: Exclude<DisconnectReason, 'agent-disconnect'>): void {
    if (!this.end(session, reason)) return;
    const connection = session.connection;
    if (connection?.canPush && reason !== 'connection-closed') {
      connection.close(
        reason === 'server-shutdown' ? WsCloseCode.GoingAway : WsCloseCode.PolicyViolation,
        reason === 'server-shutdown' ? 'server shutting down' : 'no message within the stale limit',
      );
    }
  }

  /** A WebSocket closed: every agent seen on it is gone (spec: forget the association of all its uids). */
  connectionClosed(connection: AgentConnection): void {
    for (const session of this.sessionsByConnection.take(connection.id)) {
      if (session.connection === connection) this.end(session, 'connection-closed');
    }
  }

  /**
   * Stops accepting messages (they get Unavailable with `retryAfterMs`) and ends every session, closing
   * WebSockets with 1001.
   */
  drain(retryAfterMs: number): void {
    this.drainingRetryAfterMs = retryAfterMs;
    for (const session of this.registry.list()) this.disconnect(session, 'server-shutdown');
  }

  private sessionFor(
    connection: AgentConnection,
    message: AgentToServer,
    reply: ServerToAgent,
    now: number,
    uidKey: string | undefined,
  ): { session: AgentSession; isNew: boolean } {
    const existing = this.registry.get(message.instanceUid, uidKey);
    if (existing && !this.heldByAnotherLiveConnection(existing, connection)) {
      this.bind(existing, connection, false);
      return { session: existing, isNew: false };
    }
    const uid = existing ? newInstanceUid() : ownBytes(message.instanceUid);
    const session = new AgentSession(uid, connection, now);
    if (existing) {
      // Spec §Duplicate WebSocket Connections: a second live holder of a uid gets a fresh one.
      reply.agentIdentification = { newInstanceUid: uid };
      this.logger.warn(
        { agent: existing.displayId, newUid: session.displayId, remote: connection.remoteAddress },
        'instance uid already held by a live connection; assigning a new uid',
      );
    }
    this.registry.add(session);
    this.bind(session, connection, true);
    return { session, isNew: true };
  }

  /** The first message(s) of an agent not identified yet: the identify hooks, then the rest of the steps. */
  private async identifyThenAnswer(step: MessageStep): Promise<ServerToAgent> {
    try {
      await this.identify(step.session, step.message, step.connection);
    } catch (error) {
      // A session nobody could identify never started: the retry is a first message again (full state, onConnect).
      if (step.isNew) this.forget(step.session);
      throw error;
    }
    return this.answer(step);
  }

  /** Builds the reply and tells the plugins (onConnect, onMessage, onStatusChange), in that order. */
  private answer(step: MessageStep): Awaitable<ServerToAgent> {
    const { session, connection, reply } = step;
    this.offerRemoteConfig(session, reply);
    this.takePending(session, reply);
    this.announceCapabilities(session, connection, reply);
    if (step.isNew) {
      this.events.emit({ type: 'connected', session });
      const connected = this.plugins.observeNow('onConnect', session);
      if (isThenable(connected)) return connected.then(() => this.observeMessage(step));
    }
    return this.observeMessage(step);
  }

  private observeMessage(step: MessageStep): Awaitable<ServerToAgent> {
    const { session, message, connection, reply } = step;
    const observed = this.plugins.observeNow('onMessage', { agent: session, message, connection, reply });
    if (isThenable(observed)) return observed.then((extras) => this.observeStatus(step, extras));
    return this.observeStatus(step, observed);
  }

  private observeStatus(
    step: MessageStep,
    extras: ReadonlyArray<Partial<ServerToAgent>>,
  ): Awaitable<ServerToAgent> {
    for (const extra of extras) mergeInto(step.reply, extra);
    if (step.changed.length === 0) return this.conclude(step, NO_UPDATES);
    const notified = this.plugins.observeNow('onStatusChange', step.session, step.changed);
    if (isThenable(notified)) return notified.then((updates) => this.conclude(step, updates));
    return this.conclude(step, notified);
  }

  private conclude(step: MessageStep, updates: ReadonlyArray<AgentUpdate | void>): ServerToAgent {
    const { session, message, changed, reply } = step;
    for (const update of updates) this.apply(session, update);
    this.events.emit({ type: 'message', session, message, changed });
    if (message.agentDisconnect) this.end(session, 'agent-disconnect');
    this.restrict(session, reply);
    return reply;
  }

  /** Runs the identify hooks; once identified, computes resource attributes and the remote config. */
  private async identify(
    session: AgentSession,
    message: AgentToServer,
    connection: AgentConnection,
  ): Promise<void> {
    const answer = await this.plugins.decide('identify', { agent: session, message, connection });
    if (answer) session.identity = answer.value;
    else if (session.status.description) {
      session.identity = { provider: 'instance-uid', key: session.displayId };
    } else return;
    const attributes = (await this.plugins.decide('resourceAttributes', session))?.value;
    if (attributes) {
      const { attributes: list, file } = normalizeResourceAttributes(attributes);
      session.resourceAttributes = list;
      session.resourceAttributesFile = file;
    }
    const config = (await this.plugins.decide('remoteConfig', session))?.value;
    session.remoteConfig = composeRemoteConfig(
      config,
      session.resourceAttributes,
      session.resourceAttributesFile,
    );
  }

  /** Applies what a plugin asked for after a status change. */
  private apply(session: AgentSession, update: AgentUpdate | void): void {
    if (update?.identity) session.identity = update.identity;
  }

  /** Spec §4 item 14: include remote_config while the hash the agent reports differs from the desired one. */
  private offerRemoteConfig(session: AgentSession, reply: ServerToAgent): void {
    if (session.remoteConfig && this.agentNeedsConfig(session)) reply.remoteConfig = session.remoteConfig;
  }

  private agentNeedsConfig(session: AgentSession): boolean {
    const reported = session.status.remoteConfigStatus?.lastRemoteConfigHash;
    return !reported || !session.remoteConfig || !reported.equals(session.remoteConfig.configHash);
  }

  private heldByAnotherLiveConnection(session: AgentSession, connection: AgentConnection): boolean {
    const current = session.connection;
    // canPush first: an HTTP connection's id is a string made when first asked for.
    return current !== undefined && current.canPush && current !== connection && current.id !== connection.id;
  }

  private bind(session: AgentSession, connection: AgentConnection, isNew: boolean): void {
    // Most messages come on the connection the session is already bound to.
    if (!isNew && session.connection === connection) return;
    session.connection = connection;
    this.registry.setTransport(session, connection.transport);
    if (connection.transport !== 'websocket') return;
    this.sessionsByConnection.add(connection.id, session);
  }

  private assignNewUid(session: AgentSession, reply: ServerToAgent, isNew: boolean): void {
    const previousKey = session.key;
    const previousDisplayId = session.displayId;
    session.assignUid(newInstanceUid());
    this.registry.rekey(session, previousKey);
    reply.agentIdentification = { newInstanceUid: session.instanceUid };
    if (!isNew) this.events.emit({ type: 'uid-changed', session, previousDisplayId });
  }

  private takePending(session: AgentSession, reply: ServerToAgent): void {
    if (!session.pending) return;
    Object.assign(reply, session.pending, {
      instanceUid: reply.instanceUid,
      flags: reply.flags | (session.pending.flags ?? 0n),
    });
    session.pending = undefined;
  }

  private announceCapabilities(
    session: AgentSession,
    connection: AgentConnection,
    reply: ServerToAgent,
  ): void {
    // Every HTTP request is a connection of its own: its reply always carries the capabilities.
    const perRequest = connection.transport === 'http';
    if (!perRequest && session.capabilitiesSentOn === connection.id) return;
    reply.capabilities = this.capabilities;
    if (this.customCapabilities.length > 0) {
      reply.customCapabilities = { capabilities: [...this.customCapabilities] };
    }
    session.capabilitiesSentOn = perRequest ? undefined : connection.id;
  }

  private restrict(session: AgentSession, reply: ServerToAgent): void {
    const removed = restrictToAgentCapabilities(
      reply,
      session.effectiveCapabilities,
      session.customCapabilities,
    );
    if (removed.length > 0) {
      this.logger.debug({ agent: session.displayId, removed }, 'left out what the agent does not accept');
    }
  }

  /** Drops a session that never started (no `connected` event was sent, so no `disconnected` either). */
  private forget(session: AgentSession): void {
    this.registry.remove(session);
    if (session.connection) this.sessionsByConnection.delete(session.connection.id, session);
  }

  /** Removes the session and announces it; false when it had already ended. */
  private end(session: AgentSession, reason: DisconnectReason): boolean {
    if (!this.registry.remove(session)) return false;
    if (session.connection) this.sessionsByConnection.delete(session.connection.id, session);
    this.events.emit({ type: 'disconnected', session, reason });
    void this.plugins.observe('onDisconnect', session, reason);
    return true;
  }
}

/** Adds a plugin's contribution to a reply; flags are OR-ed, the uid is never replaced. */
function mergeInto(reply: ServerToAgent, extra: Partial<ServerToAgent>): void {
  const { instanceUid: _uid, flags, ...fields } = extra;
  Object.assign(reply, fields);
  if (flags !== undefined) reply.flags |= flags;
}
