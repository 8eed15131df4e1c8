import {
  commandTypeToJSON,
  serverErrorResponseTypeToJSON,
  type ServerToAgent,
} from '../../src/generated/opamp/v1/opamp.js';
import {
  formatInstanceUid,
  serverCapabilityNames,
  serverToAgentFlagNames,
} from '../../src/modules/protocol/index.js';

const list = (names: string[]): string => (names.length > 0 ? names.join('|') : '-');

/**
 * One readable line for a ServerToAgent: uid, flag names, server capability names, error_response, and
 * the assigned uid or offered remote config when present.
 */
export function describeServerToAgent(message: ServerToAgent): string {
  const parts = [
    `uid=${formatInstanceUid(message.instanceUid)}`,
    `flags=${list(serverToAgentFlagNames(message.flags))}`,
    `capabilities=${list(serverCapabilityNames(message.capabilities))}`,
  ];
  if (message.agentIdentification) {
    parts.push(`new_uid=${formatInstanceUid(message.agentIdentification.newInstanceUid)}`);
  }
  if (message.remoteConfig) {
    const files = Object.keys(message.remoteConfig.config?.configMap ?? {}).length;
    parts.push(`remote_config=${files} file(s) hash=${message.remoteConfig.configHash.toString('hex')}`);
  }
  if (message.command)
    parts.push(`command=${commandTypeToJSON(message.command.type).replace('CommandType_', '')}`);
  const error = message.errorResponse;
  const type = error && serverErrorResponseTypeToJSON(error.type).replace('ServerErrorResponseType_', '');
  parts.push(`error=${error ? `${type}: ${error.errorMessage}` : '-'}`);
  return parts.join(' ');
}
