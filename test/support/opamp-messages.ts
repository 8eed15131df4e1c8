import { randomBytes } from 'node:crypto';
import { AgentToServer, ServerToAgent, type AgentDescription } from '../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';

type AgentToServerInit = Parameters<typeof AgentToServer.fromPartial>[0];

/** A random 16-byte instance uid. */
export const randomUid = (): Buffer => randomBytes(16);

/** An AgentToServer with defaults filled in. */
export const agentToServer = (init: AgentToServerInit): AgentToServer => AgentToServer.fromPartial(init);

/** Encodes an AgentToServer. */
export const encodeAgentToServer = (init: AgentToServerInit): Buffer =>
  Buffer.from(AgentToServer.encode(AgentToServer.fromPartial(init)).finish());

/** Decodes a ServerToAgent body. */
export const decodeServerToAgent = (bytes: Uint8Array): ServerToAgent => ServerToAgent.decode(bytes);

/** A string attribute. */
export const attr = (key: string, value: string): KeyValue => ({
  key,
  value: { value: { $case: 'stringValue', value } },
});

/** An agent description with a service name. */
export const description = (serviceName: string, extra: KeyValue[] = []): AgentDescription => ({
  identifyingAttributes: [attr('service.name', serviceName), ...extra],
  nonIdentifyingAttributes: [attr('os.type', 'linux')],
});
