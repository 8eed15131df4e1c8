import { AgentCapabilities, RemoteConfigStatuses } from '../../generated/opamp/v1/opamp.js';
import { hasCapability } from '../protocol/index.js';
import { type AgentSession } from '../session/index.js';

/**
 * Where an agent is with its remote config:
 * - `none`: the server has no config for it;
 * - `unsupported`: it has one, but the agent does not accept remote config (it is never sent);
 * - `pending`: sent or waiting to be sent; the agent has not reported on this config's hash yet;
 * - `applying`, `applied`, `failed`: what the agent reported for this config's hash.
 */
export type RolloutState = 'none' | 'unsupported' | 'pending' | 'applying' | 'applied' | 'failed';

/** Every {@link RolloutState}, in the order the API and the metrics list them. */
export const ROLLOUT_STATES: readonly RolloutState[] = [
  'none',
  'unsupported',
  'pending',
  'applying',
  'applied',
  'failed',
];

const REPORTED: Partial<Record<RemoteConfigStatuses, RolloutState>> = {
  [RemoteConfigStatuses.RemoteConfigStatuses_APPLYING]: 'applying',
  [RemoteConfigStatuses.RemoteConfigStatuses_APPLIED]: 'applied',
  [RemoteConfigStatuses.RemoteConfigStatuses_FAILED]: 'failed',
};

/** The {@link RolloutState} of an agent, from its desired config and its last RemoteConfigStatus. */
export function rolloutStateOf(session: AgentSession): RolloutState {
  const desired = session.remoteConfig;
  if (!desired) return 'none';
  if (
    !hasCapability(session.effectiveCapabilities, AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig)
  ) {
    return 'unsupported';
  }
  const reported = session.status.remoteConfigStatus;
  if (!reported || !Buffer.from(reported.lastRemoteConfigHash).equals(desired.configHash)) return 'pending';
  return REPORTED[reported.status] ?? 'pending';
}
