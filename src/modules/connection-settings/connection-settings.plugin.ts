import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  AgentCapabilities,
  ServerCapabilities,
  type ConnectionSettingsOffers,
  type ServerToAgent,
} from '../../generated/opamp/v1/opamp.js';
import {
  type ConnectionRequest,
  type MessageContext,
  type OpampPluginHooks,
} from '../../plugin-api/index.js';
import { OpampPlugin } from '../plugins/index.js';
import {
  type ConnectionSettingsOptions,
  InjectConnectionSettingsOptions,
} from './connection-settings.options.js';
import { HeartbeatPolicy } from '../heartbeat/index.js';
import { MessagePipeline } from '../session/index.js';
import { buildConnectionSettingsOffer } from './connection-settings.offer.js';

/** The capabilities an offer depends on. */
const OFFER_CAPABILITIES = BigInt(
  AgentCapabilities.AgentCapabilities_ReportsHeartbeat |
    AgentCapabilities.AgentCapabilities_ReportsOwnMetrics |
    AgentCapabilities.AgentCapabilities_ReportsOwnTraces |
    AgentCapabilities.AgentCapabilities_ReportsOwnLogs,
);
/** Distinct (capabilities, endpoint) offers kept. */
const MAX_CACHED_OFFERS = 256;

/**
 * Offers connection settings once per session (again if the agent reports having applied other ones):
 * the {@link HeartbeatPolicy}'s interval (`HEARTBEAT_INTERVAL_S`) in `connection_settings.opamp` to
 * agents that report heartbeats — naming the endpoint the agent already uses, so an agent that reconnects
 * on any OpAMP settings offer comes back to the same place — and `OWN_METRICS_ENDPOINT` /
 * `OWN_TRACES_ENDPOINT` / `OWN_LOGS_ENDPOINT` to agents that report their own metrics, traces or logs.
 * Everything offered to an agent shares one hash.
 */
@OpampPlugin({ name: 'connection-settings', order: 0 })
@Injectable()
export class ConnectionSettingsPlugin implements OpampPluginHooks, OnModuleInit {
  /** Offers by capabilities and endpoint; null when there is nothing to offer. */
  private readonly offers = new Map<string, ConnectionSettingsOffers | null>();

  constructor(
    private readonly server: MessagePipeline,
    private readonly heartbeat: HeartbeatPolicy,
    @InjectConnectionSettingsOptions() private readonly options: ConnectionSettingsOptions,
  ) {}

  onModuleInit(): void {
    this.server.advertise(ServerCapabilities.ServerCapabilities_OffersConnectionSettings);
  }

  onMessage({ agent, connection }: MessageContext): Partial<ServerToAgent> | undefined {
    const reported = agent.status.connectionSettingsStatus?.lastConnectionSettingsHash;
    const firstMessage = agent.messageCount === 1;
    if (!firstMessage && !reported) return;
    const offer = this.offerFor(agent.effectiveCapabilities, this.endpointOf(connection));
    if (!offer) return;
    if (!firstMessage && (!reported || reported.equals(offer.hash))) return;
    // A copy: the capability filter may clear fields of the reply's offer, never of the cached one.
    return { connectionSettings: { ...offer } };
  }

  /**
   * The offer for these capabilities and endpoint, built (and hashed) once. The endpoint comes from the
   * Host header, so the cache is bounded: past {@link MAX_CACHED_OFFERS} distinct keys it starts over.
   */
  private offerFor(capabilities: bigint, endpoint: string): ConnectionSettingsOffers | undefined {
    const key = `${capabilities & OFFER_CAPABILITIES}|${endpoint}`;
    const cached = this.offers.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const offer = buildConnectionSettingsOffer(capabilities, {
      opampEndpoint: endpoint,
      heartbeatIntervalS: this.heartbeat.intervalS,
      ...this.options.ownTelemetry,
    });
    if (this.offers.size >= MAX_CACHED_OFFERS) this.offers.clear();
    this.offers.set(key, offer ?? null);
    return offer;
  }

  private endpointOf(connection: ConnectionRequest): string {
    const host = connection.headers.host ?? `${this.options.opamp.host}:${this.options.opamp.port}`;
    const scheme = connection.transport === 'websocket' ? 'ws' : 'http';
    return `${scheme}://${Array.isArray(host) ? host[0] : host}${this.options.opamp.path}`;
  }
}
