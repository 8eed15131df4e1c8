import {
  connectionSettingsStatusesToJSON,
  remoteConfigStatusesToJSON,
} from '../../../generated/opamp/v1/opamp.js';
import { type AgentCommands } from '../../commands/index.js';
import { agentCapabilityNames } from '../../protocol/index.js';
import { type AgentSession } from '../../session/index.js';
import { type ConfigAssignment, type FleetConfigs } from '../../fleet/index.js';
import { renderPackageStatuses } from '../../packages/index.js';
import {
  type Json,
  renderAttributes,
  renderConfigMap,
  renderHash,
  renderHealth,
  renderInt,
} from './json-render.js';
import { type AgentPlacement, placementOf } from './agent-placement.js';
import {
  type AgentSummary,
  type ConfigAssignmentView,
  type RemoteConfigSummary,
} from './response.schemas.js';

/** An agent's health as the list filter sees it: reported healthy, reported unhealthy, or not reported. */
export type AgentHealth = 'healthy' | 'unhealthy' | 'unknown';

export function healthOf(session: AgentSession): AgentHealth {
  const health = session.status.health;
  if (!health) return 'unknown';
  return health.healthy ? 'healthy' : 'unhealthy';
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** An assignment as JSON: `{ config, name, agent }` or `{ config, name, selector }`. */
export function renderAssignment(assignment: ConfigAssignment): ConfigAssignmentView {
  return 'agent' in assignment
    ? { config: assignment.config, name: assignment.name, agent: assignment.agent }
    : { config: assignment.config, name: assignment.name, selector: { ...assignment.selector } };
}

/** Where the agent's remote config comes from, the deciding assignment, and how far it got. */
export function remoteConfigSummary(session: AgentSession, fleet: FleetConfigs): RemoteConfigSummary {
  const { source, assignment, state } = fleet.sourceOf(session);
  return {
    source,
    config: assignment?.config ?? null,
    state,
    hash: renderHash(session.remoteConfig?.configHash),
  };
}

/** One line of `GET /api/v1/agents`; `placement` when the caller has it already. */
export function agentSummary(
  session: AgentSession,
  fleet: FleetConfigs,
  placement: AgentPlacement = placementOf(session),
): AgentSummary {
  const description = session.status.description;
  return {
    id: session.displayId,
    transport: session.transport,
    connected: session.transport === 'http' || session.connection?.canPush === true,
    health: healthOf(session),
    ...placement,
    identifyingAttributes: renderAttributes(description?.identifyingAttributes),
    labels: { ...session.identity?.labels },
    lastSeen: iso(session.lastSeenAt),
    remoteConfig: remoteConfigSummary(session, fleet),
  };
}

/**
 * `GET /api/v1/agents/{id}`: everything the server knows about the agent. `offeredSettingsHash`: the hash of
 * the connection settings last offered to it in this session.
 */
export function agentDetail(
  session: AgentSession,
  fleet: FleetConfigs,
  commands: AgentCommands,
  offeredSettingsHash?: Buffer,
): Json {
  const { status } = session;
  const { assignment } = fleet.sourceOf(session);
  const reported = status.remoteConfigStatus;
  const settings = status.connectionSettingsStatus;
  return {
    id: session.displayId,
    instanceUid: Buffer.from(session.instanceUid).toString('hex'),
    ...placementOf(session),
    transport: session.transport,
    connection: {
      id: session.connection?.id ?? null,
      remoteAddress: session.connection?.remoteAddress ?? null,
      open: session.transport === 'http' || session.connection?.canPush === true,
    },
    firstSeen: iso(session.firstSeenAt),
    lastSeen: iso(session.lastSeenAt),
    messageCount: session.messageCount,
    sequenceNum: session.lastSequenceNum === undefined ? null : renderInt(session.lastSequenceNum),
    identity: session.identity
      ? {
          provider: session.identity.provider,
          key: session.identity.key ?? session.displayId,
          labels: { ...session.identity.labels },
          attributes: { ...session.identity.attributes },
        }
      : null,
    description: {
      identifyingAttributes: renderAttributes(status.description?.identifyingAttributes),
      nonIdentifyingAttributes: renderAttributes(status.description?.nonIdentifyingAttributes),
    },
    resourceAttributes: renderAttributes(session.resourceAttributes),
    capabilities: agentCapabilityNames(session.capabilities),
    effectiveCapabilities: agentCapabilityNames(session.effectiveCapabilities),
    customCapabilities: [...session.customCapabilities],
    acceptsRestart: commands.acceptsRestart(session),
    health: status.health ? renderHealth(status.health) : null,
    effectiveConfig: status.effectiveConfig
      ? { files: renderConfigMap(status.effectiveConfig.configMap) }
      : null,
    remoteConfig: {
      ...remoteConfigSummary(session, fleet),
      assignment: assignment ? renderAssignment(assignment) : null,
      files: session.remoteConfig ? renderConfigMap(session.remoteConfig.config) : null,
      reported: reported
        ? {
            status: remoteConfigStatusesToJSON(reported.status).replace('RemoteConfigStatuses_', ''),
            hash: renderHash(reported.lastRemoteConfigHash),
            errorMessage: reported.errorMessage,
          }
        : null,
    },
    connectionSettings:
      settings || offeredSettingsHash
        ? {
            status: settings
              ? connectionSettingsStatusesToJSON(settings.status).replace('ConnectionSettingsStatuses_', '')
              : null,
            hash: renderHash(settings?.lastConnectionSettingsHash),
            errorMessage: settings?.errorMessage ?? '',
            offeredHash: renderHash(offeredSettingsHash),
          }
        : null,
    packages: renderPackageStatuses(status.packageStatuses),
    pending: Object.keys(session.pending ?? {}).filter((field) => field !== 'instanceUid'),
  };
}
