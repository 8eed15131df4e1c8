import { createHash } from 'node:crypto';
import {
  AgentCapabilities,
  ConnectionSettingsOffers,
  type TelemetryConnectionSettings,
} from '../../generated/opamp/v1/opamp.js';
import { hasCapability } from '../protocol/index.js';

/** What the server can offer, from its configuration. */
export interface ConnectionSettingsSource {
  /** The OpAMP endpoint the agent is using (it is told to keep using it). */
  readonly opampEndpoint: string;
  /** Heartbeat interval offered in `opamp`, seconds. */
  readonly heartbeatIntervalS: number;
  /** OTLP endpoints for the agent's own telemetry; an absent one is not offered. */
  readonly ownMetricsEndpoint?: string;
  readonly ownTracesEndpoint?: string;
  readonly ownLogsEndpoint?: string;
}

const telemetry = (endpoint: string | undefined): TelemetryConnectionSettings | undefined =>
  endpoint === undefined ? undefined : { destinationEndpoint: endpoint };

/**
 * The connection settings an agent with `capabilities` can take: the heartbeat interval (in `opamp`) when
 * it reports heartbeats, and each own-telemetry destination that is configured and that it reports. One
 * SHA-256 `hash` covers everything offered (the agent echoes it in ConnectionSettingsStatus). Undefined
 * when there is nothing to offer.
 */
export function buildConnectionSettingsOffer(
  capabilities: bigint,
  source: ConnectionSettingsSource,
): ConnectionSettingsOffers | undefined {
  const has = (capability: AgentCapabilities): boolean => hasCapability(capabilities, capability);
  const offer = ConnectionSettingsOffers.fromPartial({});
  if (has(AgentCapabilities.AgentCapabilities_ReportsHeartbeat)) {
    offer.opamp = {
      destinationEndpoint: source.opampEndpoint,
      heartbeatIntervalSeconds: BigInt(source.heartbeatIntervalS),
    };
  }
  if (has(AgentCapabilities.AgentCapabilities_ReportsOwnMetrics))
    offer.ownMetrics = telemetry(source.ownMetricsEndpoint);
  if (has(AgentCapabilities.AgentCapabilities_ReportsOwnTraces))
    offer.ownTraces = telemetry(source.ownTracesEndpoint);
  if (has(AgentCapabilities.AgentCapabilities_ReportsOwnLogs))
    offer.ownLogs = telemetry(source.ownLogsEndpoint);
  if (!offer.opamp && !offer.ownMetrics && !offer.ownTraces && !offer.ownLogs) return undefined;
  offer.hash = createHash('sha256').update(ConnectionSettingsOffers.encode(offer).finish()).digest();
  return offer;
}
