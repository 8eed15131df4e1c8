import {
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Counter, Gauge, type Registry } from 'prom-client';
import { PERSISTENCE_STATS, type PersistenceStatsSource } from '../../common/persistence-stats.js';
import { ROLLOUT_STATES, rolloutStateOf, type RolloutState } from '../fleet/index.js';
import { type TransportKind } from '../../plugin-api/index.js';
import { AgentEvents, AgentRegistry } from '../session/index.js';
import { type MessageOutcome, TransportEvents } from '../transport/index.js';
import { FixedLabelHistogram } from './fixed-label-histogram.js';
import { messageKind, type MessageKind } from './message-kind.js';
import { InjectMetricsRegistry } from './metrics.constants.js';

/** Buckets of the message handling histogram, seconds: 0.5 ms to 2.5 s. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const TRANSPORTS: readonly TransportKind[] = ['http', 'websocket'];
const MESSAGE_KINDS: readonly MessageKind[] = ['first', 'status', 'heartbeat', 'disconnect'];
const OUTCOMES: readonly MessageOutcome[] = ['ok', 'refused', 'error'];

/** `children[a][b]` = `make(a, b)` for every pair. */
function bindChildren<A extends string, B extends string, C>(
  as: readonly A[],
  bs: readonly B[],
  make: (a: A, b: B) => C,
): Record<A, Record<B, C>> {
  return Object.fromEntries(
    as.map((a) => [a, Object.fromEntries(bs.map((b) => [b, make(a, b)])) as Record<B, C>]),
  ) as Record<A, Record<B, C>>;
}

/** Rollout states exported as a gauge (agents without a config are not a rollout). */
const GAUGED_STATES: readonly RolloutState[] = ROLLOUT_STATES.filter((state) => state !== 'none');

/**
 * The server's own series, in the metrics registry:
 * - `opamp_connected_agents{transport}`: sessions now, counted at scrape;
 * - `opamp_messages_total{transport,kind}`: messages handled, by kind (first, status, heartbeat, disconnect);
 * - `opamp_decode_errors_total{transport,reason}`: messages refused, by ProtocolError reason;
 * - `opamp_message_duration_seconds{transport,outcome}`: handling time of one message;
 * - `opamp_remote_config_agents{state}`: agents by remote config rollout state, at scrape;
 * - `opamp_persistence_queue_depth`, `opamp_persistence_writes_total{operation,result}`,
 *   `opamp_persistence_dropped_total`: when a persistence layer provides `PERSISTENCE_STATS`.
 */
@Injectable()
export class OpampMetrics implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly messages: Counter<'transport' | 'kind'>;
  private readonly pendingMessages = bindChildren(TRANSPORTS, MESSAGE_KINDS, () => 0);
  private readonly decodeErrors: Counter<'transport' | 'reason'>;
  private readonly duration: FixedLabelHistogram<'transport' | 'outcome'>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @InjectMetricsRegistry() private readonly metrics: Registry,
    private readonly registry: AgentRegistry,
    private readonly agentEvents: AgentEvents,
    private readonly transportEvents: TransportEvents,
    private readonly moduleRef: ModuleRef,
  ) {
    const registers = [metrics];
    const sessions = (): ReturnType<AgentRegistry['list']> => this.registry.list();
    new Gauge({
      name: 'opamp_connected_agents',
      help: 'Agents with a session on this server, by transport.',
      labelNames: ['transport'],
      registers,
      collect() {
        this.reset();
        this.set({ transport: 'http' }, 0);
        this.set({ transport: 'websocket' }, 0);
        for (const session of sessions()) this.inc({ transport: session.transport });
      },
    });
    // Counted in plain numbers per message and added to the counter when scraped: prom-client hashes and
    // validates the labels of every inc(), which costs more than the rest of a heartbeat's bookkeeping.
    const pending = this.pendingMessages;
    this.messages = new Counter({
      name: 'opamp_messages_total',
      help: 'AgentToServer messages handled, by transport and kind (first, status, heartbeat, disconnect).',
      labelNames: ['transport', 'kind'],
      registers,
      collect() {
        for (const transport of TRANSPORTS) {
          for (const kind of MESSAGE_KINDS) {
            const count = pending[transport][kind];
            if (count === 0) continue;
            pending[transport][kind] = 0;
            this.inc({ transport, kind }, count);
          }
        }
      },
    });
    this.decodeErrors = new Counter({
      name: 'opamp_decode_errors_total',
      help: 'Messages refused, by transport and reason (malformed, too-large, bad-ws-header, ...).',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.duration = new FixedLabelHistogram(
      'opamp_message_duration_seconds',
      'Time to handle one OpAMP message, from its bytes to its reply, by transport and outcome.',
      DURATION_BUCKETS,
      metrics,
    );
    new Gauge({
      name: 'opamp_remote_config_agents',
      help: 'Agents with a remote config, by rollout state (pending, applying, applied, failed, unsupported).',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        for (const state of GAUGED_STATES) this.set({ state }, 0);
        for (const session of sessions()) {
          const state = rolloutStateOf(session);
          if (state !== 'none') this.inc({ state });
        }
      },
    });
  }

  onModuleInit(): void {
    const durations = bindChildren(TRANSPORTS, OUTCOMES, (transport, outcome) =>
      this.duration.series({ transport, outcome }),
    );
    const pending = this.pendingMessages;
    this.unsubscribe.push(
      this.agentEvents.subscribe((event) => {
        if (event.type !== 'message') return;
        pending[event.session.transport][messageKind(event.message, event.session)]++;
      }),
      this.transportEvents.subscribe((event) => {
        if (event.type === 'refused')
          this.decodeErrors.inc({ transport: event.transport, reason: event.reason });
        else durations[event.transport][event.outcome].observe(event.durationS);
      }),
    );
  }

  /** After every module is up, so a `PERSISTENCE_STATS` provided anywhere is found. */
  onApplicationBootstrap(): void {
    const source = this.persistenceStats();
    if (source) this.registerPersistence(source);
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  private persistenceStats(): PersistenceStatsSource | undefined {
    try {
      return this.moduleRef.get<PersistenceStatsSource>(PERSISTENCE_STATS, { strict: false });
    } catch {
      return undefined;
    }
  }

  private registerPersistence(source: PersistenceStatsSource): void {
    const registers = [this.metrics];
    new Gauge({
      name: 'opamp_persistence_queue_depth',
      help: 'Agent records whose latest state is not persisted yet.',
      registers,
      collect() {
        this.set(source.stats().depth);
      },
    });
    new Counter({
      name: 'opamp_persistence_writes_total',
      help: 'Store calls of the persistence layer, by operation and result (ok, failed).',
      labelNames: ['operation', 'result'],
      registers,
      collect() {
        this.reset();
        for (const [operation, { ok, failed }] of Object.entries(source.stats().writes)) {
          this.inc({ operation, result: 'ok' }, ok);
          this.inc({ operation, result: 'failed' }, failed);
        }
      },
    });
    new Counter({
      name: 'opamp_persistence_dropped_total',
      help: 'Agent states the persistence layer gave up on (rejected for good by the store).',
      registers,
      collect() {
        this.reset();
        this.inc(source.stats().dropped ?? 0);
      },
    });
  }
}
