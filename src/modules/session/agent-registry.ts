import { Injectable } from '@nestjs/common';
import { type AgentSession } from './agent-session.js';
import { instanceUidKey } from '../protocol/index.js';

/** All agent sessions this server holds, keyed by instance uid. In memory: one node, few agents. */
@Injectable()
export class AgentRegistry {
  private readonly sessions = new Map<string, AgentSession>();

  get size(): number {
    return this.sessions.size;
  }

  /** The session of a uid, if any (`key`: its {@link instanceUidKey}, when the caller has it already). */
  get(instanceUid: Uint8Array, key: string = instanceUidKey(instanceUid)): AgentSession | undefined {
    return this.sessions.get(key);
  }

  /** The session whose display id (UUID, text or hex form of the uid) is `displayId`. */
  findByDisplayId(displayId: string): AgentSession | undefined {
    for (const session of this.sessions.values()) if (session.displayId === displayId) return session;
    return undefined;
  }

  add(session: AgentSession): void {
    this.sessions.set(session.key, session);
  }

  /** Re-keys a session after `session.assignUid`, given its previous key. */
  rekey(session: AgentSession, previousKey: string): void {
    if (this.sessions.get(previousKey) === session) this.sessions.delete(previousKey);
    this.sessions.set(session.key, session);
  }

  /** Removes a session; false if it was not (or no longer) registered. */
  remove(session: AgentSession): boolean {
    if (this.sessions.get(session.key) !== session) return false;
    return this.sessions.delete(session.key);
  }

  /** A snapshot of every session. */
  list(): AgentSession[] {
    return [...this.sessions.values()];
  }
}
