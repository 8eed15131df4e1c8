import {
  AgentCapabilities,
  ServerCapabilities,
  ServerToAgentFlags,
  type ServerToAgent,
} from '../../generated/opamp/v1/opamp.js';

/** Whether a capability bit mask (AgentToServer.capabilities) has `capability` set. */
export function hasCapability(mask: bigint, capability: AgentCapabilities | ServerCapabilities): boolean {
  const bit = BigInt(capability);
  return (mask & bit) === bit;
}

/** OR of capability or flag values, as the uint64 the wire carries. */
export function bitmask(...values: number[]): bigint {
  return values.reduce((mask, value) => mask | BigInt(value), 0n);
}

/** Names of the bits of `mask` defined by a generated flag enum, without the enum's prefix. */
function bitNames(mask: bigint, flags: Record<string, string | number>, prefix: string): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(flags)) {
    if (typeof value !== 'number' || value <= 0) continue;
    if ((mask & BigInt(value)) === BigInt(value)) names.push(name.replace(prefix, ''));
  }
  return names;
}

/** Names of the AgentCapabilities set in a mask, e.g. `['ReportsStatus', 'ReportsHealth']`. */
export const agentCapabilityNames = (mask: bigint): string[] =>
  bitNames(mask, AgentCapabilities, 'AgentCapabilities_');

/** Names of the ServerCapabilities set in a mask, e.g. `['AcceptsStatus']`. */
export const serverCapabilityNames = (mask: bigint): string[] =>
  bitNames(mask, ServerCapabilities, 'ServerCapabilities_');

/** Names of the ServerToAgentFlags set in a mask, e.g. `['ReportFullState']`. */
export const serverToAgentFlagNames = (mask: bigint): string[] =>
  bitNames(mask, ServerToAgentFlags, 'ServerToAgentFlags_');

/**
 * Removes from a reply everything the agent's capabilities do not accept (spec §4 item 8): the server
 * MUST NOT offer what an agent cannot take. Returns what was removed, for logging.
 */
export function restrictToAgentCapabilities(
  reply: ServerToAgent,
  agentCapabilities: bigint,
  agentCustomCapabilities: readonly string[],
): string[] {
  // Most replies (heartbeats) carry nothing a capability governs.
  if (
    reply.remoteConfig === undefined &&
    reply.packagesAvailable === undefined &&
    reply.command === undefined &&
    reply.connectionSettings === undefined &&
    reply.customMessage === undefined &&
    reply.flags === 0n
  ) {
    return [];
  }
  const removed: string[] = [];
  const accepts = (capability: AgentCapabilities): boolean => hasCapability(agentCapabilities, capability);
  if (reply.remoteConfig && !accepts(AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig)) {
    reply.remoteConfig = undefined;
    removed.push('remote_config');
  }
  if (reply.packagesAvailable && !accepts(AgentCapabilities.AgentCapabilities_AcceptsPackages)) {
    reply.packagesAvailable = undefined;
    removed.push('packages_available');
  }
  if (reply.command && !accepts(AgentCapabilities.AgentCapabilities_AcceptsRestartCommand)) {
    reply.command = undefined;
    removed.push('command');
  }
  const settings = reply.connectionSettings;
  if (settings) {
    // The heartbeat interval rides in `opamp`; opamp-go clients apply it with ReportsHeartbeat alone.
    if (
      settings.opamp &&
      !accepts(AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings) &&
      !accepts(AgentCapabilities.AgentCapabilities_ReportsHeartbeat)
    ) {
      settings.opamp = undefined;
      removed.push('connection_settings.opamp');
    }
    if (settings.ownMetrics && !accepts(AgentCapabilities.AgentCapabilities_ReportsOwnMetrics)) {
      settings.ownMetrics = undefined;
      removed.push('connection_settings.own_metrics');
    }
    if (settings.ownTraces && !accepts(AgentCapabilities.AgentCapabilities_ReportsOwnTraces)) {
      settings.ownTraces = undefined;
      removed.push('connection_settings.own_traces');
    }
    if (settings.ownLogs && !accepts(AgentCapabilities.AgentCapabilities_ReportsOwnLogs)) {
      settings.ownLogs = undefined;
      removed.push('connection_settings.own_logs');
    }
    if (
      Object.keys(settings.otherConnections).length > 0 &&
      !accepts(AgentCapabilities.AgentCapabilities_AcceptsOtherConnectionSettings)
    ) {
      settings.otherConnections = {};
      removed.push('connection_settings.other_connections');
    }
    if (!settings.opamp && !settings.ownMetrics && !settings.ownTraces && !settings.ownLogs) {
      if (Object.keys(settings.otherConnections).length === 0) reply.connectionSettings = undefined;
    }
  }
  if (reply.customMessage && !agentCustomCapabilities.includes(reply.customMessage.capability)) {
    reply.customMessage = undefined;
    removed.push('custom_message');
  }
  const reportComponents = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents);
  if (
    (reply.flags & reportComponents) !== 0n &&
    !accepts(AgentCapabilities.AgentCapabilities_ReportsAvailableComponents)
  ) {
    reply.flags &= ~reportComponents;
    removed.push('flags.ReportAvailableComponents');
  }
  return removed;
}
