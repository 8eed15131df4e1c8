import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Awaitable, isThenable } from '../../common/awaitable.js';
import { AgentCapabilities, type ConnectionSettingsOffers } from '../../generated/opamp/v1/opamp.js';
import { type AgentView, type ConnectionRequest } from '../../plugin-api/index.js';
import { ClientCertificates, type CurrentCertificate } from '../client-certificates/index.js';
import { HeartbeatPolicy } from '../heartbeat/index.js';
import { OpampAgents } from '../session/index.js';
import { ConnectionOffers } from './connection-offers.service.js';
import { composeConnectionSettings } from './connection-settings.offer.js';
import { type OfferInputs, offerInputs, sameOfferInputs } from './offer-inputs.js';
import {
  type ConnectionSettingsOptions,
  InjectConnectionSettingsOptions,
} from './connection-settings.options.js';
import { type ConnectionSettingsStats, InjectConnectionSettingsStats } from './connection-settings.stats.js';

/** What the composer remembers of one session. */
interface SessionState {
  /** The OpAMP endpoint the agent last used (from its Host header). */
  endpoint: string;
  /** Hash of the offer last sent in this session. */
  sentHash?: Buffer;
  /** The inputs of the last decision that there was nothing to send, while no certificate is involved. */
  nothingToSend?: OfferInputs;
}

/** The capabilities a plain (no operator offer, no certificate) offer depends on. */
const PLAIN_CAPABILITIES = BigInt(
  AgentCapabilities.AgentCapabilities_ReportsHeartbeat |
    AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings |
    AgentCapabilities.AgentCapabilities_ReportsOwnMetrics |
    AgentCapabilities.AgentCapabilities_ReportsOwnTraces |
    AgentCapabilities.AgentCapabilities_ReportsOwnLogs,
);
const MAX_CACHED_OFFERS = 256;
/** Distinct Host headers whose endpoint is kept (clients choose the header: bounded). */
const MAX_CACHED_ENDPOINTS = 256;

/**
 * The one place an agent's ConnectionSettingsOffers is built: the heartbeat interval, the own-telemetry
 * endpoints, the operator's offers ({@link ConnectionOffers}) and the client certificate issued for its CSR
 * ({@link ClientCertificates}), restricted to what its capabilities accept, with one hash. It decides when
 * to send: while the hash the agent reports (ConnectionSettingsStatus) differs, or — for an agent that does
 * not report one — when this session has not been sent this offer yet. A change of the operator's offers is
 * pushed at once to WebSocket agents; HTTP agents get it on their next poll.
 */
@Injectable()
export class ConnectionSettingsComposer implements OnModuleInit, OnModuleDestroy {
  private readonly sessions = new WeakMap<AgentView, SessionState>();
  /** Plain offers by capabilities and endpoint (null: nothing to offer). */
  private readonly plain = new Map<string, ConnectionSettingsOffers | null>();
  /** The OpAMP endpoint agents reach by each Host header, by transport. */
  private readonly endpoints: Record<ConnectionRequest['transport'], Map<string, string>> = {
    http: new Map(),
    websocket: new Map(),
  };
  /** Bumped when the operator's offers change: a decision taken on older offers no longer stands. */
  private offersVersion = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly heartbeat: HeartbeatPolicy,
    private readonly offers: ConnectionOffers,
    private readonly certificates: ClientCertificates,
    private readonly agents: OpampAgents,
    @InjectConnectionSettingsOptions() private readonly options: ConnectionSettingsOptions,
    @InjectConnectionSettingsStats() private readonly stats: ConnectionSettingsStats,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.offers.onChange(() => {
      this.offersVersion++;
      return this.pushAll();
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /**
   * The offer to add to the reply to a message from `agent`, if it should carry one (`force`: send even
   * when the agent has it, e.g. after a CSR).
   */
  forMessage(
    agent: AgentView,
    connection: ConnectionRequest,
    force: boolean,
  ): Awaitable<ConnectionSettingsOffers | undefined> {
    let state = this.sessions.get(agent);
    const endpoint = this.endpointOf(connection);
    if (!state) this.sessions.set(agent, (state = { endpoint }));
    state.endpoint = endpoint;
    // Most messages are heartbeats that change none of the inputs: the offer is neither composed nor compared.
    const settled = state.nothingToSend;
    if (!force && settled && sameOfferInputs(settled, agent, this.offersVersion, endpoint, state.sentHash)) {
      return undefined;
    }
    state.nothingToSend = undefined;
    const session = state;
    const version = this.offersVersion;
    const offer = this.compose(agent, endpoint);
    const send = (composed: ConnectionSettingsOffers | undefined): ConnectionSettingsOffers | undefined => {
      if (composed && (force || this.needsOffer(agent, session, composed))) {
        return this.sent(agent, session, composed);
      }
      // A certificate is renewed as time passes, so with one the decision is taken again on every message.
      if (!this.certificates.issuedTo(agent)) {
        session.nothingToSend = offerInputs(agent, version, endpoint, session.sentHash);
      }
      return undefined;
    };
    return isThenable(offer) ? offer.then(send) : send(offer);
  }

  /** The offer for `agent` at `endpoint` as it stands now (the admin API shows its hash). */
  compose(agent: AgentView, endpoint: string): Awaitable<ConnectionSettingsOffers | undefined> {
    const certificate = this.certificates.current(agent);
    return isThenable(certificate)
      ? certificate.then((current) => this.build(agent, endpoint, current))
      : this.build(agent, endpoint, certificate);
  }

  /** The hash of the offer last sent to `agent` in this session. */
  sentHash(agent: AgentView): Buffer | undefined {
    return this.sessions.get(agent)?.sentHash;
  }

  private build(
    agent: AgentView,
    endpoint: string,
    current: CurrentCertificate | undefined,
  ): ConnectionSettingsOffers | undefined {
    const resolved = this.offers.resolve(agent);
    const caCertPem = this.certificates.caCertPem;
    const certificate =
      current && caCertPem ? { certPem: current.certificate.certPem, caCertPem } : undefined;
    if (current?.renewed) this.stats.csr('renewed');
    const plain = !resolved.opamp && Object.keys(resolved.otherConnections).length === 0 && !certificate;
    const key = `${agent.effectiveCapabilities & PLAIN_CAPABILITIES}|${endpoint}`;
    if (plain) {
      const cached = this.plain.get(key);
      if (cached !== undefined) return cached ?? undefined;
    }
    const offer = composeConnectionSettings(agent.effectiveCapabilities, {
      currentEndpoint: endpoint,
      heartbeatIntervalS: this.heartbeat.intervalS,
      ...this.options.ownTelemetry,
      ...(resolved.opamp ? { opamp: resolved.opamp } : {}),
      otherConnections: resolved.otherConnections,
      ...(certificate ? { certificate } : {}),
    });
    if (plain) {
      if (this.plain.size >= MAX_CACHED_OFFERS) this.plain.clear();
      this.plain.set(key, offer ?? null);
    }
    return offer;
  }

  private needsOffer(agent: AgentView, state: SessionState, offer: ConnectionSettingsOffers): boolean {
    const reported = agent.status.connectionSettingsStatus?.lastConnectionSettingsHash;
    if (reported && reported.length > 0) return !reported.equals(offer.hash);
    return !state.sentHash?.equals(offer.hash);
  }

  private sent(
    agent: AgentView,
    state: SessionState,
    offer: ConnectionSettingsOffers,
  ): ConnectionSettingsOffers {
    state.sentHash = offer.hash;
    this.stats.offered(agent.transport);
    // A copy: the capability filter may clear fields of the reply's offer, never of a cached one.
    return { ...offer };
  }

  /** Pushes changed offers to the WebSocket agents (HTTP agents get theirs on the next poll). */
  private async pushAll(): Promise<void> {
    const pushes: Array<Promise<unknown>> = [];
    for (const agent of this.agents.list()) {
      const state = this.sessions.get(agent);
      if (!state || agent.transport !== 'websocket') continue;
      pushes.push(
        Promise.resolve(this.compose(agent, state.endpoint)).then((offer) =>
          offer && this.needsOffer(agent, state, offer)
            ? this.agents.push(agent, { connectionSettings: this.sent(agent, state, offer) })
            : undefined,
        ),
      );
    }
    await Promise.allSettled(pushes);
  }

  private endpointOf(connection: ConnectionRequest): string {
    const { host: fallbackHost, port, path, secure } = this.options.opamp;
    const header = connection.headers.host;
    const host = (Array.isArray(header) ? header[0] : header) ?? `${fallbackHost}:${port}`;
    // Built once per host and transport, not per message.
    const known = this.endpoints[connection.transport];
    const endpoint = known.get(host);
    if (endpoint !== undefined) return endpoint;
    const plain = connection.transport === 'websocket' ? 'ws' : 'http';
    const built = `${secure ? `${plain}s` : plain}://${host}${path}`;
    if (known.size >= MAX_CACHED_ENDPOINTS) known.clear();
    known.set(host, built);
    return built;
  }
}
