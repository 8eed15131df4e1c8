import { type KubeConfig } from '@kubernetes/client-node';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { isThenable } from '../../common/awaitable.js';
import { type Clock, InjectClock } from '../../common/clock.js';
import {
  type AgentRecordMapping,
  type AgentStatusField,
  type AgentStore,
  type AgentView,
  type DisconnectReason,
} from '../../plugin-api/index.js';
import { KUBE_CONFIG } from '../kubernetes/index.js';
import { PluginHost } from '../plugins/index.js';
import { type AgentEvent, AgentEvents } from '../session/index.js';
import { agentSnapshotMapping } from './agent-snapshot.mapping.js';
import { createAgentStore } from './agent-store.factory.js';
import { InjectPersistenceOptions, type PersistenceModuleOptions } from './persistence.module-definition.js';
import {
  DEFAULT_SHUTDOWN_FLUSH_MS,
  DEFAULT_STALE_AFTER_MS,
  DEFAULT_STARTUP_GRACE_MS,
} from './persistence.constants.js';
import { AsyncRecordMappingError } from './persistence.errors.js';
import { writesOn } from './record-mapping.defaults.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';
import { WriteBehindQueue } from './write-behind.queue.js';
import { type FlushResult, type WriteBehindStats } from './write-behind.types.js';

interface SessionState {
  /** Key of the session's record. */
  key: string;
  /** The record last built for the session (to delete it if the session's record moves to another key). */
  record: object;
}

/** Delay before a failed start-up listing is tried again. */
const LIST_RETRY_MS = 5_000;

/**
 * Turns agent events into record writes. What a record is, and what happens to it, is the active
 * {@link AgentRecordMapping}'s (a plugin's `recordMapping`, else {@link agentSnapshotMapping}); the rest is
 * generic:
 * - a message that changes what the mapping writes on (default: description or health) writes the record;
 *   a plain heartbeat writes nothing (a session's first message that yields a record writes it too, for
 *   identities resolved late);
 * - when a session ends, the mapping says remove, write, keep, or remove unless the agent comes back within
 *   the stale limit (a dropped WebSocket that reconnects takes its record back);
 * - at start-up, records this server left are deleted when their agents do not come back within the grace
 *   period, unless the mapping keeps them.
 *
 * The store is `OpampModule.forRoot({ agentStore })` when given, else chosen by `PERSISTENCE`: memory, or
 * the mapping's custom resource through the Kubernetes writer. Writes go through a {@link WriteBehindQueue};
 * nothing here waits on the store.
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
  private mapping: AgentRecordMapping = agentSnapshotMapping as AgentRecordMapping;
  private agentStore?: AgentStore;
  private writeQueue?: WriteBehindQueue;
  private readonly timers: Timers;
  private readonly sessions = new WeakMap<AgentView, SessionState>();
  /** The session currently behind each record; an older session of the same record no longer acts on it. */
  private readonly owners = new Map<string, AgentView>();
  /**
   * Records whose agents were seen since start-up, until the clean-up. Once the listing is in, only keys of
   * listed records are kept: a client inventing instance uids during the grace period cannot grow it.
   */
  private readonly returned = new Set<string>();
  /** Keys of the records listed at start-up, while the clean-up waits for the grace period. */
  private leftoverKeys?: Set<string>;
  private leftovers?: object[];
  private graceOver = false;
  private cleanedUp = false;
  private graceTimer?: TimerHandle;
  private listTimer?: TimerHandle;
  private unsubscribe?: () => void;
  private stopped = false;
  private shutdownDeadline?: number;
  /** Records of WebSocket agents gone without `agent_disconnect`, deleted unless they come back in time. */
  private readonly awaitingReturn = new Map<string, TimerHandle>();

  constructor(
    private readonly events: AgentEvents,
    private readonly plugins: PluginHost,
    @InjectClock() private readonly clock: Clock,
    @InjectPersistenceOptions() private readonly options: PersistenceModuleOptions,
    @Inject(KUBE_CONFIG) private readonly kubeConfig: KubeConfig | undefined,
  ) {
    this.timers = this.options.timers ?? systemTimers;
  }

  /** The store records are written to. */
  get store(): AgentStore {
    this.setUp();
    return this.agentStore!;
  }

  /** The mapping from agents to records in use. */
  get recordMapping(): AgentRecordMapping {
    this.setUp();
    return this.mapping;
  }

  /** Records remembered as having their agent back, until the start-up clean-up (bounded by the listing). */
  get returnedBeforeCleanUp(): number {
    return this.returned.size;
  }

  /** Counters and gauges of the write-behind queue, for metrics. */
  stats(): WriteBehindStats {
    return this.queue.stats();
  }

  private get queue(): WriteBehindQueue {
    this.setUp();
    return this.writeQueue!;
  }

  /** Takes the plugins' record mapping (they are all known by now) and opens the store. */
  private setUp(): void {
    if (this.writeQueue) return;
    const answer = this.plugins.decideNow('recordMapping');
    if (isThenable(answer)) throw new AsyncRecordMappingError();
    if (answer) this.mapping = answer.value as AgentRecordMapping;
    this.agentStore = createAgentStore(this.mapping, this.options, this.kubeConfig);
    this.writeQueue = new WriteBehindQueue(this.agentStore, this.mapping, {
      timers: this.timers,
      ...this.options.queue,
    });
  }

  /** Writes everything pending, waiting at most `timeoutMs`. */
  flush(timeoutMs: number = this.flushBudgetMs): Promise<FlushResult> {
    return this.queue.flush(timeoutMs);
  }

  onModuleInit(): void {
    this.setUp();
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
        this.onMessage(event.session, event.changed, event.message.agentDisconnect !== undefined);
        return;
      case 'disconnected':
        this.onDisconnect(event.session, event.reason);
        return;
      default:
        return;
    }
  }

  private onMessage(session: AgentView, changed: readonly AgentStatusField[], disconnecting: boolean): void {
    if (!session.identity) return;
    const state = this.sessions.get(session);
    const statusChanged = changed.length > 0 && writesOn(this.mapping, changed);
    // A plain heartbeat of a known record: nothing to write, so no record is built (the hot path).
    if (!statusChanged && state !== undefined) {
      this.noteReturned(state.key);
      this.claim(state.key, session);
      return;
    }
    const record = this.mapping.recordOf(session, this.clock.now());
    if (!record) return;
    const key = this.mapping.keyOf(record);
    const first = state?.key !== key;
    if (state && first && this.owners.get(state.key) === session) {
      // Same agent, new record key (its identity was completed): the old record would be left behind.
      this.owners.delete(state.key);
      this.queue.remove(state.record, 'superseded');
    }
    this.sessions.set(session, { key, record });
    this.claim(key, session);
    this.noteReturned(key);
    // With agent_disconnect, what is written is the session-end action's (handled on `disconnected`).
    if ((statusChanged || first) && !disconnecting) this.queue.upsert(record);
  }

  private onDisconnect(session: AgentView, reason: DisconnectReason): void {
    const state = this.sessions.get(session);
    if (!state || this.owners.get(state.key) !== session) return;
    this.owners.delete(state.key);
    const record = this.mapping.recordOf(session, this.clock.now());
    if (!record) return;
    const action = this.mapping.atSessionEnd(session, record, reason);
    switch (action) {
      case 'remove':
        this.queue.remove(record, reason === 'agent-disconnect' ? 'agent-disconnect' : 'stale');
        return;
      case 'write':
        this.queue.upsert(record);
        return;
      case 'remove-unless-back':
        this.removeUnlessReturned(state.key, record);
        return;
      case 'keep':
        this.logger.debug({ agent: session.displayId, reason }, 'session ended; record left as it is');
        return;
    }
  }

  /** Before the start-up clean-up: the record `key` has its agent back, so it is not a leftover. */
  private noteReturned(key: string): void {
    if (this.cleanedUp || this.leftoverKeys?.has(key) === false) return;
    this.returned.add(key);
  }

  /** `session` is now the one behind `key`: a record waiting for its agent to come back is kept. */
  private claim(key: string, session: AgentView): void {
    this.owners.set(key, session);
    if (this.awaitingReturn.size === 0) return;
    const timer = this.awaitingReturn.get(key);
    if (timer === undefined) return;
    this.timers.clearTimeout(timer);
    this.awaitingReturn.delete(key);
  }

  private removeUnlessReturned(key: string, record: object): void {
    this.timers.clearTimeout(this.awaitingReturn.get(key));
    const timer = this.timers.setTimeout(() => {
      this.awaitingReturn.delete(key);
      if (!this.stopped && !this.owners.has(key)) this.queue.remove(record, 'stale');
    }, this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
    this.awaitingReturn.set(key, timer);
  }

  private async listLeftovers(): Promise<void> {
    if (this.stopped) return;
    try {
      const leftovers = await this.store.list();
      if (this.stopped) return;
      this.leftovers = leftovers;
      this.leftoverKeys = new Set(leftovers.map((record) => this.mapping.keyOf(record)));
      for (const key of this.returned) if (!this.leftoverKeys.has(key)) this.returned.delete(key);
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
      const key = this.mapping.keyOf(record);
      if (this.returned.has(key) || this.mapping.keepsLeftover?.(record) === true) continue;
      this.queue.remove(record, 'startup-cleanup');
      removed++;
    }
    this.cleanedUp = true;
    this.returned.clear();
    this.leftoverKeys = undefined;
    this.logger.log(
      { removed, kept: leftovers.length - removed },
      'cleaned up records of agents that did not come back',
    );
  }
}
