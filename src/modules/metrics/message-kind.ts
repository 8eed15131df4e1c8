import { type AgentToServer } from '../../generated/opamp/v1/opamp.js';
import { carriesStatus, type AgentSession } from '../session/index.js';

/**
 * What kind of message an AgentToServer is, for the messages metric: the first of a session, the last
 * (`agent_disconnect`), one that reports status (any status sub-message or a custom message), or a bare
 * heartbeat.
 */
export type MessageKind = 'first' | 'disconnect' | 'status' | 'heartbeat';

/** The {@link MessageKind} of a message, once the session has counted it. */
export function messageKind(message: AgentToServer, session: AgentSession): MessageKind {
  if (message.agentDisconnect) return 'disconnect';
  if (session.messageCount <= 1) return 'first';
  const reportsStatus = carriesStatus(message) || message.customMessage !== undefined;
  return reportsStatus ? 'status' : 'heartbeat';
}
