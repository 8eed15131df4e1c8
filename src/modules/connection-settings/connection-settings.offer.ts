import { createHash } from 'node:crypto';
import {
  AgentCapabilities,
  ConnectionSettingsOffers,
  type Headers,
  type OtherConnectionSettings,
  type TelemetryConnectionSettings,
} from '../../generated/opamp/v1/opamp.js';
import { hasCapability } from '../protocol/index.js';

/** An endpoint and the headers to send to it. */
export interface EndpointSettings {
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Everything that may go into one agent's connection settings, before its capabilities are applied. */
export interface OfferParts {
  /** The OpAMP endpoint the agent uses now; offered unless {@link opamp} moves it elsewhere. */
  readonly currentEndpoint: string;
  /** Heartbeat interval, seconds (to agents with ReportsHeartbeat). */
  readonly heartbeatIntervalS: number;
  /** Own-telemetry OTLP endpoints; an absent one is not offered. */
  readonly ownMetricsEndpoint?: string;
  readonly ownTracesEndpoint?: string;
  readonly ownLogsEndpoint?: string;
  /** An operator's OpAMP endpoint and headers (`PUT /api/v1/connection-offers/{name}`). */
  readonly opamp?: EndpointSettings;
  /** An operator's named other connections. */
  readonly otherConnections?: Readonly<Record<string, EndpointSettings>>;
  /** A client certificate issued for the agent's CSR (no private key: the agent has it). */
  readonly certificate?: { readonly certPem: string; readonly caCertPem: string };
}

const headersOf = (headers: Readonly<Record<string, string>>): Headers | undefined => {
  const keys = Object.keys(headers).sort();
  return keys.length === 0 ? undefined : { headers: keys.map((key) => ({ key, value: headers[key]! })) };
};

const telemetry = (endpoint: string | undefined): TelemetryConnectionSettings | undefined =>
  endpoint === undefined ? undefined : { destinationEndpoint: endpoint };

/**
 * Composes one agent's ConnectionSettingsOffers from its parts, offering only what its capabilities accept
 * (OpAMP specification, "Connection Settings Management"):
 * - `opamp` in full (endpoint, headers, certificate, heartbeat) with AcceptsOpAMPConnectionSettings; an agent
 *   with only ReportsHeartbeat gets the heartbeat interval and the endpoint it already uses (opamp-go
 *   applies the interval on ReportsHeartbeat alone);
 * - `own_metrics`, `own_traces`, `own_logs` with ReportsOwnMetrics, ReportsOwnTraces, ReportsOwnLogs;
 * - `other_connections` with AcceptsOtherConnectionSettings.
 * The `hash` is SHA-256 over the encoded offer with maps and headers in key order, so equal offers have
 * equal hashes. Undefined when nothing is left to offer.
 */
export function composeConnectionSettings(
  capabilities: bigint,
  parts: OfferParts,
): ConnectionSettingsOffers | undefined {
  const has = (capability: AgentCapabilities): boolean => hasCapability(capabilities, capability);
  const offer = ConnectionSettingsOffers.fromPartial({});
  const heartbeat = has(AgentCapabilities.AgentCapabilities_ReportsHeartbeat);
  const heartbeatIntervalSeconds = heartbeat ? BigInt(parts.heartbeatIntervalS) : 0n;
  if (has(AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings)) {
    const headers = parts.opamp ? headersOf(parts.opamp.headers) : undefined;
    offer.opamp = {
      destinationEndpoint: parts.opamp?.endpoint ?? parts.currentEndpoint,
      ...(headers ? { headers } : {}),
      ...(parts.certificate
        ? {
            certificate: {
              cert: Buffer.from(parts.certificate.certPem),
              privateKey: Buffer.alloc(0),
              caCert: Buffer.from(parts.certificate.caCertPem),
            },
          }
        : {}),
      heartbeatIntervalSeconds,
    };
  } else if (heartbeat) {
    offer.opamp = { destinationEndpoint: parts.currentEndpoint, heartbeatIntervalSeconds };
  }
  if (has(AgentCapabilities.AgentCapabilities_ReportsOwnMetrics))
    offer.ownMetrics = telemetry(parts.ownMetricsEndpoint);
  if (has(AgentCapabilities.AgentCapabilities_ReportsOwnTraces))
    offer.ownTraces = telemetry(parts.ownTracesEndpoint);
  if (has(AgentCapabilities.AgentCapabilities_ReportsOwnLogs))
    offer.ownLogs = telemetry(parts.ownLogsEndpoint);
  if (has(AgentCapabilities.AgentCapabilities_AcceptsOtherConnectionSettings) && parts.otherConnections) {
    for (const name of Object.keys(parts.otherConnections).sort()) {
      const { endpoint, headers } = parts.otherConnections[name]!;
      const other: OtherConnectionSettings = { destinationEndpoint: endpoint, otherSettings: {} };
      const list = headersOf(headers);
      if (list) other.headers = list;
      offer.otherConnections[name] = other;
    }
  }
  const empty = Object.keys(offer.otherConnections).length === 0;
  if (!offer.opamp && !offer.ownMetrics && !offer.ownTraces && !offer.ownLogs && empty) return undefined;
  offer.hash = createHash('sha256').update(ConnectionSettingsOffers.encode(offer).finish()).digest();
  return offer;
}
