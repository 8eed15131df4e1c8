import { AgentCapabilities, type AgentToServer } from '../../generated/opamp/v1/opamp.js';
import { hasCapability } from '../protocol/index.js';
import { type AgentStatusField } from '../../plugin-api/index.js';
import { messageHasStatus } from './agent-status.js';

/** Status fields an agent must report in full state, by the capability that promises them. */
const REPORTED_WITH: ReadonlyArray<[AgentCapabilities, AgentStatusField]> = [
  [AgentCapabilities.AgentCapabilities_ReportsHealth, 'health'],
  [AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig, 'effectiveConfig'],
  [AgentCapabilities.AgentCapabilities_ReportsRemoteConfig, 'remoteConfigStatus'],
  [AgentCapabilities.AgentCapabilities_ReportsPackageStatuses, 'packageStatuses'],
  [AgentCapabilities.AgentCapabilities_ReportsAvailableComponents, 'availableComponents'],
  [AgentCapabilities.AgentCapabilities_ReportsConnectionSettingsStatus, 'connectionSettingsStatus'],
];

/**
 * Whether one message is a complete status report: it has a description and every status field its
 * capabilities promise.
 */
export function carriesFullState(message: AgentToServer): boolean {
  if (!message.agentDescription) return false;
  return REPORTED_WITH.every(
    ([capability, field]) =>
      !hasCapability(message.capabilities, capability) || messageHasStatus(message, field),
  );
}

/**
 * Whether the server missed messages from a known agent: its sequence_num is neither the next one
 * nor a retry of the last. An agent that never numbers its messages (always 0) has no gaps.
 */
export function isSequenceGap(lastSequenceNum: bigint | undefined, sequenceNum: bigint): boolean {
  if (lastSequenceNum === undefined) return false;
  return sequenceNum !== lastSequenceNum + 1n && sequenceNum !== lastSequenceNum;
}
