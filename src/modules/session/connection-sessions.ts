import { type AgentSession } from './agent-session.js';

/**
 * The sessions seen on each WebSocket connection (spec: a closed connection ends every agent seen on it).
 * Nearly every connection carries one agent: that one is kept as it is, and a Set only when a second
 * agent shares the connection, which saves a Set per connected agent.
 */
export class ConnectionSessions {
  private readonly byConnection = new Map<string, AgentSession | Set<AgentSession>>();

  /** Connections with at least one session. */
  get size(): number {
    return this.byConnection.size;
  }

  add(connectionId: string, session: AgentSession): void {
    const held = this.byConnection.get(connectionId);
    if (held === undefined || held === session) this.byConnection.set(connectionId, session);
    else if (held instanceof Set) held.add(session);
    else this.byConnection.set(connectionId, new Set([held, session]));
  }

  delete(connectionId: string, session: AgentSession): void {
    const held = this.byConnection.get(connectionId);
    if (held === session) this.byConnection.delete(connectionId);
    else if (held instanceof Set) {
      held.delete(session);
      if (held.size === 0) this.byConnection.delete(connectionId);
    }
  }

  /** Removes a connection and returns the sessions it had. */
  take(connectionId: string): readonly AgentSession[] {
    const held = this.byConnection.get(connectionId);
    this.byConnection.delete(connectionId);
    if (held === undefined) return [];
    return held instanceof Set ? [...held] : [held];
  }
}
