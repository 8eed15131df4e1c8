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
import { KUBERNETES_STATS, type KubernetesStats } from '../kubernetes/index.js';
import { type DisconnectReason, type TransportKind } from '../../plugin-api/index.js';
import { PluginHost } from '../plugins/index.js';
import { AgentEvents, AgentRegistry } from '../session/index.js';
import { type MessageOutcome, TransportEvents } from '../transport/index.js';
import { CONNECTION_SETTINGS_STATS, type ConnectionSettingsStats } from '../connection-settings/index.js';
import { registerBuildInfo } from './build-info.js';
import { registerConnectionSettingsMetrics } from './connection-settings-metrics.js';
import { FixedLabelHistogram } from './fixed-label-histogram.js';
import { registerKubernetesMetrics } from './kubernetes-metrics.js';
import { messageKind, type MessageKind } from './message-kind.js';
import { InjectMetricsRegistry } from './metrics.constants.js';
import { PendingCounts } from './pending-counts.js';
import { registerPersistenceMetrics } from './persistence-metrics.js';
import { registerPluginHookMetrics } from './plugin-hook-metrics.js';
import { PROTOCOL_ERROR_REASONS, REFUSAL_CLASS } from './refusal-reasons.js';

/** Buckets of the message handling histogram, seconds: 0.5 ms to 2.5 s. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const TRANSPORTS: readonly TransportKind[] = ['http', 'websocket'];
const MESSAGE_KINDS: readonly MessageKind[] = ['first', 'status', 'heartbeat', 'disconnect'];
const OUTCOMES: readonly MessageOutcome[] = ['ok', 'refused', 'error'];
const DISCONNECT_REASONS: readonly DisconnectReason[] = [
  'agent-disconnect',
  'connection-closed',
  'stale',
  'server-shutdown',
];

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
 * - `opamp_connected_agents{transport}`: sessions now, as the registry counts them;
 * - `opamp_messages_total{transport,kind}`: messages handled, by kind (first, status, heartbeat, disconnect);
 * - `opamp_decode_errors_total{transport,reason}`: messages that could not be decoded (malformed, too
 *   large, unsupported media type, ...);
 * - `opamp_refusals_total{transport,reason}`: messages and connections refused for another reason (rate
 *   limited, too many connections, rejected by a plugin, unavailable, unidentified); see `refusal-reasons.ts`;
 * - `opamp_message_duration_seconds{transport,outcome}`: handling time of one message;
 * - `opamp_connections_opened_total{transport}`, `opamp_connections_closed_total{transport,reason}`: agent
 *   connections (the sessions `opamp_connected_agents` gauges) started and ended, by DisconnectReason;
 * - `opamp_remote_config_agents{state}`: agents by remote config rollout state, at scrape;
 * - `opamp_build_info{version,node_version[,commit]}`: 1;
 * - the persistence series (`persistence-metrics.ts`) when a persistence layer provides `PERSISTENCE_STATS`;
 * - the Kubernetes series (`kubernetes-metrics.ts`) when the KubernetesModule provides `KUBERNETES_STATS`;
 * - the connection-settings series (`connection-settings-metrics.ts`) when the ConnectionSettingsModule runs;
 * - the plugin hook series (`plugin-hook-metrics.ts`) when a `PluginHost` runs.
 * Everything counted per message or connection is a plain number here, added to prom-client at scrape.
 */
@Injectable()
export class OpampMetrics implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly messages = new PendingCounts(TRANSPORTS, MESSAGE_KINDS);
  private readonly refused = new PendingCounts(TRANSPORTS, PROTOCOL_ERROR_REASONS);
  private readonly opened = new PendingCounts(TRANSPORTS, ['opened'] as const);
  private readonly closed = new PendingCounts(TRANSPORTS, DISCONNECT_REASONS);
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
    const agents = this.registry;
    const sessions = (): ReturnType<AgentRegistry['list']> => agents.list();
    new Gauge({
      name: 'opamp_connected_agents',
      help: 'Agents with a session on this server, by transport.',
      labelNames: ['transport'],
      registers,
      collect() {
        // The registry keeps the counts: a scrape of 100,000 agents costs no pass over them.
        for (const transport of TRANSPORTS) this.set({ transport }, agents.countOf(transport));
      },
    });
    // Counted in plain numbers per message and added to the counters when scraped (PendingCounts).
    const { messages, refused, opened, closed } = this;
    new Counter({
      name: 'opamp_messages_total',
      help: 'AgentToServer messages handled, by transport and kind (first, status, heartbeat, disconnect).',
      labelNames: ['transport', 'kind'],
      registers,
      collect() {
        messages.drainInto(this, 'transport', 'kind');
      },
    });
    new Counter({
      name: 'opamp_decode_errors_total',
      help:
        'Messages that could not be decoded, by transport and reason (malformed, too-large, bad-ws-header, ' +
        'non-binary-frame, bad-compression, unsupported-media-type, unsupported-encoding, invalid-instance-uid).',
      labelNames: ['transport', 'reason'],
      registers,
      collect() {
        refused.drainInto(this, 'transport', 'reason', (reason) => REFUSAL_CLASS[reason] === 'decode');
      },
    });
    new Counter({
      name: 'opamp_refusals_total',
      help:
        'Messages and connections refused though they decoded, by transport and reason (rate-limited, ' +
        'too-many-connections, rejected: by a plugin, unavailable: draining or undecided, unidentified).',
      labelNames: ['transport', 'reason'],
      registers,
      collect() {
        refused.drainInto(this, 'transport', 'reason', (reason) => REFUSAL_CLASS[reason] === 'refusal');
      },
    });
    new Counter({
      name: 'opamp_connections_opened_total',
      help: 'Agent connections (sessions, as opamp_connected_agents counts them) started, by transport.',
      labelNames: ['transport'],
      registers,
      collect() {
        for (const transport of TRANSPORTS) {
          const count = opened.counts[transport].opened;
          if (count === 0) continue;
          opened.counts[transport].opened = 0;
          this.inc({ transport }, count);
        }
      },
    });
    new Counter({
      name: 'opamp_connections_closed_total',
      help:
        'Agent connections (sessions) ended, by transport and reason ' +
        '(agent-disconnect, connection-closed, stale, server-shutdown).',
      labelNames: ['transport', 'reason'],
      registers,
      collect() {
        closed.drainInto(this, 'transport', 'reason');
      },
    });
    registerBuildInfo(metrics);
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
    const messages = this.messages.counts;
    const refused = this.refused.counts;
    const opened = this.opened.counts;
    const closed = this.closed.counts;
    this.unsubscribe.push(
      this.agentEvents.subscribe((event) => {
        if (event.type === 'message')
          messages[event.session.transport][messageKind(event.message, event.session)]++;
        else if (event.type === 'connected') opened[event.session.transport].opened++;
        else if (event.type === 'disconnected') closed[event.session.transport][event.reason]++;
      }),
      this.transportEvents.subscribe((event) => {
        if (event.type === 'refused') refused[event.transport][event.reason]++;
        else durations[event.transport][event.outcome].observe(event.durationS);
      }),
    );
  }

  /** After every module is up, so sources provided anywhere (`PERSISTENCE_STATS`, ...) are found. */
  onApplicationBootstrap(): void {
    const persistence = this.lookup<PersistenceStatsSource>(PERSISTENCE_STATS);
    if (persistence) registerPersistenceMetrics(this.metrics, persistence);
    const kubernetes = this.lookup<KubernetesStats>(KUBERNETES_STATS);
    if (kubernetes) registerKubernetesMetrics(this.metrics, kubernetes);
    const settings = this.lookup<ConnectionSettingsStats>(CONNECTION_SETTINGS_STATS);
    if (settings) registerConnectionSettingsMetrics(this.metrics, settings);
    const plugins = this.lookup<PluginHost>(PluginHost);
    if (plugins) registerPluginHookMetrics(this.metrics, plugins.stats);
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  /** The provider of `token` in any module, or undefined when none provides it. */
  private lookup<T>(token: string | typeof PluginHost): T | undefined {
    try {
      return this.moduleRef.get<T>(token, { strict: false });
    } catch {
      return undefined;
    }
  }
}
