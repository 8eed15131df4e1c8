import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { type Clock, InjectClock } from '../../common/clock.js';
import { InjectServerConfig, type ServerConfig } from '../config/index.js';
import { type AgentEvent, AgentEvents, type AgentSession, type DisconnectReason } from '../session/index.js';
import { type AgentRecord, agentRecordKey, recordFromSession } from './agent-record.js';
import { type AgentStore } from './agent-store.interface.js';
import { InjectPersistenceOptions, type PersistenceModuleOptions } from './persistence.module-definition.js';
import {
  DEFAULT_SHUTDOWN_FLUSH_MS,
  DEFAULT_STARTUP_GRACE_MS,
  InjectAgentStore,
  NO_CONNECTION_TO_OPAMP_SERVER,
} from './persistence.constants.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';
import { WriteBehindQueue } from './write-behind.queue.js';
import { type FlushResult, type WriteBehindStats } from './write-behind.types.js';

interface SessionState {
  /** Identity of the session's record. */
  key: string;
  /** The agent once reported NoConnectionToOpAMPServer; Odigos keeps that status for the session (§1.4). */
  noConnection: boolean;
}

/** Delay before a failed start-up listing is tried again. */
const LIST_RETRY_MS = 5_000;

/**
 * Turns agent events into record writes, with Odigos's rules (reference/odigos.md §1.5, §1.7):
 * - a message whose description or health changed writes the record; a plain heartbeat writes nothing (a
 *   session's first message that yields a record writes it too, for identities resolved late);
 * - `agent_disconnect` healthy → delete; unhealthy with `last_error` → keep, written unhealthy; unhealthy
 *   without `last_error` or without health → nothing;
 * - stale → delete, unless the agent reported `NoConnectionToOpAMPServer`;
 * - WebSocket closed without `agent_disconnect` → kept for the stale limit (the agent reconnects), then
 *   deleted as stale if no session took the record back; server shutting down → keep;
 * - at start-up, records this server left on this node are deleted when their agents (same namespace, pod
 *   and pid) do not come back within the grace period, unless the rules above would have kept them.
 *
 * Writes go through a {@link WriteBehindQueue}; nothing here waits on the store.
 */
@Injectable()
export class AgentPersistence
  implements
    OnModuleInit,
    OnApplicationBootstrap,
    BeforeApplicationShutdown,
    OnModuleDestroy,
    OnApplicationShutdown
{
  private readonly logger = new Logger(AgentPersistence.name);
  private readonly queue: WriteBehindQueue;
  private readonly timers: Timers;
  private readonly sessions = new WeakMap<AgentSession, SessionState>();
  /** The session currently behind each record; an older session of a reused pid no longer acts on it. */
  private readonly owners = new Map<string, AgentSession>();
  /** Records whose agents were seen since start-up. */
  private readonly returned = new Set<string>();
  private leftovers?: AgentRecord[];
  private graceOver = false;
  private cleanedUp = false;
  private graceTimer?: TimerHandle;
  private listTimer?: TimerHandle;
  private unsubscribe?: () => void;
  private stopped = false;
  private readonly options: PersistenceModuleOptions;
  private shutdownDeadline?: number;
  /** Records of WebSocket agents gone without `agent_disconnect`, deleted unless they come back in time. */
  private readonly awaitingReturn = new Map<string, TimerHandle>();

  constructor(
    private readonly events: AgentEvents,
    @InjectAgentStore() private readonly store: AgentStore,
    @InjectClock() private readonly clock: Clock,
    @InjectServerConfig() private readonly config: ServerConfig,
    @InjectPersistenceOptions() options: PersistenceModuleOptions | undefined,
  ) {
    this.options = options ?? {};
    this.timers = this.options.timers ?? systemTimers;
    this.queue = new WriteBehindQueue(store, { timers: this.timers, ...this.options.queue });
  }

  /** Counters and gauges of the write-behind queue, for metrics. */
  stats(): WriteBehindStats {
    return this.queue.stats();
  }

  /** Writes everything pending, waiting at most `timeoutMs`. */
  flush(timeoutMs: number = this.flushBudgetMs): Promise<FlushResult> {
    return this.queue.flush(timeoutMs);
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.onEvent(event));
  }

  onApplicationBootstrap(): void {
    const graceMs = this.options.startupGraceMs ?? DEFAULT_STARTUP_GRACE_MS;
    this.graceTimer = this.timers.setTimeout(() => {
      this.graceOver = true;
      this.cleanUpLeftovers();
    }, graceMs);
    void this.listLeftovers();
  }

  /** SIGTERM: writes what is pending (within `shutdownFlushMs`). */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdownDeadline = performance.now() + this.flushBudgetMs;
    await this.flushForShutdown();
  }

  /** Stops the start-up clean-up: nothing is deleted for agents that had no time to come back. */
  onModuleDestroy(): void {
    this.stopped = true;
    this.timers.clearTimeout(this.graceTimer);
    this.timers.clearTimeout(this.listTimer);
    for (const timer of this.awaitingReturn.values()) this.timers.clearTimeout(timer);
    this.awaitingReturn.clear();
  }

  /**
   * Writes what other modules' shutdown hooks caused (the OpAMP listener drains in its own
   * `beforeApplicationShutdown`, possibly after ours), then stops listening and closes the queue.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.queue.depth > 0) await this.flushForShutdown();
    this.unsubscribe?.();
    this.queue.close();
  }

  private async flushForShutdown(): Promise<void> {
    const budget = Math.max(
      0,
      (this.shutdownDeadline ?? performance.now() + this.flushBudgetMs) - performance.now(),
    );
    const result = await this.flush(budget);
    if (!result.flushed) {
      this.logger.warn({ remaining: result.remaining }, 'shutting down with agent records not yet written');
    }
  }

  private get flushBudgetMs(): number {
    return this.options.shutdownFlushMs ?? DEFAULT_SHUTDOWN_FLUSH_MS;
  }

  private onEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'message':
        this.onMessage(
          event.session,
          event.changed.includes('description') || event.changed.includes('health'),
          event.message.agentDisconnect !== undefined,
        );
        return;
      case 'disconnected':
        this.onDisconnect(event.session, event.reason);
        return;
      default:
        return;
    }
  }

  private onMessage(session: AgentSession, statusChanged: boolean, disconnecting: boolean): void {
    const kubernetes = session.identity?.kubernetes;
    if (!kubernetes || kubernetes.processId === undefined) return;
    let state = this.sessions.get(session);
    // A plain heartbeat of a known record: nothing to write, so no record is built (the hot path).
    if (!statusChanged && state !== undefined && state.key === agentRecordKey(kubernetes)) {
      if (!this.cleanedUp) this.returned.add(state.key);
      this.claim(state.key, session);
      return;
    }
    const record = recordFromSession(session, this.clock.now());
    if (!record) return;
    const key = agentRecordKey(record.location);
    const first = state?.key !== key;
    if (!state || first) {
      state = { key, noConnection: state?.noConnection ?? false };
      this.sessions.set(session, state);
    }
    if (session.status.health?.status === NO_CONNECTION_TO_OPAMP_SERVER) state.noConnection = true;
    this.claim(key, session);
    if (!this.cleanedUp) this.returned.add(key);
    // With agent_disconnect, Odigos writes only what the disconnect rules say (handled on `disconnected`).
    if ((statusChanged || first) && !disconnecting) this.queue.upsert(record);
  }

  private onDisconnect(session: AgentSession, reason: DisconnectReason): void {
    const state = this.sessions.get(session);
    if (!state || this.owners.get(state.key) !== session) return;
    this.owners.delete(state.key);
    const record = recordFromSession(session, this.clock.now());
    if (!record) return;
    const agent = session.displayId;
    switch (reason) {
      case 'agent-disconnect': {
        const health = session.status.health;
        if (!health) {
          this.logger.debug({ agent }, 'agent disconnected without reporting health; record left as it is');
        } else if (health.healthy) {
          this.queue.remove(record, 'agent-disconnect');
        } else if (health.lastError === '') {
          this.logger.debug(
            { agent },
            'agent disconnected unhealthy without last_error; record left as it is',
          );
        } else {
          // Kept for troubleshooting; goes away with the pod (owner reference).
          this.queue.upsert(record);
        }
        return;
      }
      case 'stale':
        if (state.noConnection) return;
        this.queue.remove(record, 'stale');
        return;
      case 'connection-closed':
        if (!state.noConnection) this.removeUnlessReturned(state.key, record);
        return;
      case 'server-shutdown':
        return;
    }
  }

  /** `session` is now the one behind `key`: a record waiting for its agent to come back is kept. */
  private claim(key: string, session: AgentSession): void {
    this.owners.set(key, session);
    if (this.awaitingReturn.size === 0) return;
    const timer = this.awaitingReturn.get(key);
    if (timer === undefined) return;
    this.timers.clearTimeout(timer);
    this.awaitingReturn.delete(key);
  }

  private removeUnlessReturned(key: string, record: AgentRecord): void {
    this.timers.clearTimeout(this.awaitingReturn.get(key));
    const timer = this.timers.setTimeout(() => {
      this.awaitingReturn.delete(key);
      if (!this.stopped && !this.owners.has(key)) this.queue.remove(record, 'stale');
    }, this.config.heartbeat.staleAfterMs);
    this.awaitingReturn.set(key, timer);
  }

  private async listLeftovers(): Promise<void> {
    if (this.stopped) return;
    try {
      const leftovers = await this.store.list();
      if (this.stopped) return;
      this.leftovers = leftovers;
      this.logger.log({ records: this.leftovers.length }, 'found agent records left from before start-up');
      this.cleanUpLeftovers();
    } catch (error) {
      this.logger.warn(
        { err: error, retryInMs: LIST_RETRY_MS },
        'could not list agent records left from before start-up',
      );
      if (!this.stopped)
        this.listTimer = this.timers.setTimeout(() => void this.listLeftovers(), LIST_RETRY_MS);
    }
  }

  /** Once the grace period is over and the listing is in, deletes what no returning agent claimed. */
  private cleanUpLeftovers(): void {
    if (!this.graceOver || !this.leftovers) return;
    const leftovers = this.leftovers;
    this.leftovers = [];
    let removed = 0;
    for (const record of leftovers) {
      const key = agentRecordKey(record.location);
      if (this.returned.has(key) || keptOnPurpose(record)) continue;
      this.queue.remove(record, 'startup-cleanup');
      removed++;
    }
    this.cleanedUp = true;
    this.returned.clear();
    this.logger.log(
      { removed, kept: leftovers.length - removed },
      'cleaned up records of agents that did not come back',
    );
  }
}

/**
 * Records the disconnect rules keep: an agent that reported NoConnectionToOpAMPServer, or one that was
 * unhealthy with an error (possibly kept after an unhealthy disconnect, for troubleshooting).
 */
function keptOnPurpose(record: AgentRecord): boolean {
  const health = record.health;
  if (!health) return false;
  return health.reason === NO_CONNECTION_TO_OPAMP_SERVER || (!health.healthy && health.message !== '');
}
