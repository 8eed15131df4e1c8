import { AgentCapabilities } from '../../generated/opamp/v1/opamp.js';
import { hasCapability } from '../protocol/index.js';
import { type AgentSession } from '../session/index.js';

/**
 * Whether an agent has been silent too long. An HTTP agent must poll; a WebSocket agent is held to it
 * only when it promised heartbeats (ReportsHeartbeat) — otherwise an open, ping-answering socket is alive.
 */
export function isStale(session: AgentSession, now: number, staleAfterMs: number): boolean {
  if (now - session.lastSeenAt <= staleAfterMs) return false;
  if (session.transport === 'http') return true;
  return hasCapability(session.capabilities, AgentCapabilities.AgentCapabilities_ReportsHeartbeat);
}
