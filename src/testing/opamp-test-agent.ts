import { randomBytes } from 'node:crypto';
import { AgentToServer, ServerToAgent } from '../generated/opamp/v1/opamp.js';

/** An AgentToServer as a test writes it: any field left out takes its default. */
export type AgentMessage = Parameters<typeof AgentToServer.fromPartial>[0];

/** What the server answered one HTTP POST. */
export interface AgentExchange {
  readonly status: number;
  readonly headers: Headers;
  /** The decoded ServerToAgent, when the answer is protobuf. */
  readonly reply?: ServerToAgent;
}

/** A random 16-byte instance uid. */
export function randomInstanceUid(): Buffer {
  return randomBytes(16);
}

/** POSTs one AgentToServer to an OpAMP endpoint, as an HTTP agent does, and decodes the reply. */
export async function postAgentMessage(
  url: string,
  message: AgentMessage,
  headers: Record<string, string> = {},
): Promise<AgentExchange> {
  const body = AgentToServer.encode(AgentToServer.fromPartial(message)).finish();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body,
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const isProtobuf = response.headers.get('content-type') === 'application/x-protobuf';
  return {
    status: response.status,
    headers: response.headers,
    ...(isProtobuf ? { reply: ServerToAgent.decode(bytes) } : {}),
  };
}
