import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';

/**
 * An empty reply for `instanceUid`, every field present (one object shape for every reply, which keeps
 * the pipeline's property accesses monomorphic). Cheaper than `ServerToAgent.fromPartial`.
 */
export function newServerToAgent(instanceUid: Buffer): ServerToAgent {
  return {
    instanceUid,
    errorResponse: undefined,
    remoteConfig: undefined,
    connectionSettings: undefined,
    packagesAvailable: undefined,
    flags: 0n,
    capabilities: 0n,
    agentIdentification: undefined,
    command: undefined,
    customCapabilities: undefined,
    customMessage: undefined,
  };
}
