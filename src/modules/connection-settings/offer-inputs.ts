import { type AgentView } from '../../plugin-api/index.js';

/**
 * What decides whether a message's reply carries an agent's connection settings offer, when no client
 * certificate is involved: the operator's offers (their version), what selects them for the agent (its
 * description, resource attributes, identity labels, id), its capabilities, the endpoint it used, the hash
 * it reports and the one last sent to it. Status values are replaced, never modified, when they change, so
 * references tell whether they did.
 */
export interface OfferInputs {
  readonly offersVersion: number;
  readonly endpoint: string;
  /** Reported capabilities; with the identity, they make the effective ones (not computed per message). */
  readonly capabilities: bigint;
  readonly description: unknown;
  readonly resourceAttributes: unknown;
  readonly identity: unknown;
  readonly displayId: string;
  readonly reportedHash: unknown;
  readonly sentHash: unknown;
}

/** The inputs of `agent`'s offer now. */
export function offerInputs(
  agent: AgentView,
  offersVersion: number,
  endpoint: string,
  sentHash: Buffer | undefined,
): OfferInputs {
  return {
    offersVersion,
    endpoint,
    capabilities: agent.capabilities,
    description: agent.status.description,
    resourceAttributes: agent.resourceAttributes,
    identity: agent.identity,
    displayId: agent.displayId,
    reportedHash: agent.status.connectionSettingsStatus?.lastConnectionSettingsHash,
    sentHash,
  };
}

/** Whether `agent`'s offer inputs are still `inputs` (then the same decision stands: nothing to send). */
export function sameOfferInputs(
  inputs: OfferInputs,
  agent: AgentView,
  offersVersion: number,
  endpoint: string,
  sentHash: Buffer | undefined,
): boolean {
  return (
    inputs.offersVersion === offersVersion &&
    inputs.endpoint === endpoint &&
    inputs.capabilities === agent.capabilities &&
    inputs.description === agent.status.description &&
    inputs.resourceAttributes === agent.resourceAttributes &&
    inputs.identity === agent.identity &&
    inputs.displayId === agent.displayId &&
    inputs.reportedHash === agent.status.connectionSettingsStatus?.lastConnectionSettingsHash &&
    inputs.sentHash === sentHash
  );
}
