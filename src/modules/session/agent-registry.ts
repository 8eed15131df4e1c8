import { Injectable } from '@nestjs/common';
import { type TransportKind } from '../../plugin-api/index.js';
import { type AgentSession } from './agent-session.js';
import { instanceUidKey } from '../protocol/index.js';

/** All agent sessions this server holds, keyed by instance uid. In memory: one node, few agents. */
@Injectable()
export class AgentRegistry {
  private readonly sessions = new Map<string, AgentSession>();
  /** Sessions by transport, kept as sessions come, go and move (read per scrape: no pass over the sessions). */
  private readonly byTransport: Record<TransportKind, number> = { http: 0, websocket: 0 };

  get size(): number {
    return this.sessions.size;
  }

  /** Sessions whose last message came over `transport`. */
  countOf(transport: TransportKind): number {
    return this.byTransport[transport];
  }

  /** The session of a uid, if any (`key`: its {@link instanceUidKey}, when the caller has it already). */
  get(instanceUid: Uint8Array, key: string = instanceUidKey(instanceUid)): AgentSession | undefined {
    return this.sessions.get(key);
  }

  /** The session registered under `key` (an {@link instanceUidKey}), if any. */
  byKey(key: string): AgentSession | undefined {
    return this.sessions.get(key);
  }

  /** The session whose display id (UUID, text or hex form of the uid) is `displayId`. */
  findByDisplayId(displayId: string): AgentSession | undefined {
    for (const session of this.sessions.values()) if (session.displayId === displayId) return session;
    return undefined;
  }

  add(session: AgentSession): void {
    this.put(session);
  }

  /** Re-keys a session after `session.assignUid`, given its previous key. */
  rekey(session: AgentSession, previousKey: string): void {
    if (this.sessions.get(previousKey) === session) this.drop(previousKey, session);
    this.put(session);
  }

  /** Moves a registered session to another transport (an agent that switched from HTTP to WebSocket). */
  setTransport(session: AgentSession, transport: TransportKind): void {
    if (session.transport === transport) return;
    if (this.sessions.get(session.key) === session) {
      this.byTransport[session.transport]--;
      this.byTransport[transport]++;
    }
    session.transport = transport;
  }

  /** Removes a session; false if it was not (or no longer) registered. */
  remove(session: AgentSession): boolean {
    if (this.sessions.get(session.key) !== session) return false;
    this.drop(session.key, session);
    return true;
  }

  /** A snapshot of every session. */
  list(): AgentSession[] {
    return [...this.sessions.values()];
  }

  /** A snapshot of every session's key. */
  keys(): string[] {
    return [...this.sessions.keys()];
  }

  private put(session: AgentSession): void {
    const replaced = this.sessions.get(session.key);
    if (replaced === session) return;
    if (replaced) this.byTransport[replaced.transport]--;
    this.sessions.set(session.key, session);
    this.byTransport[session.transport]++;
  }

  private drop(key: string, session: AgentSession): void {
    this.sessions.delete(key);
    this.byTransport[session.transport]--;
  }
}
