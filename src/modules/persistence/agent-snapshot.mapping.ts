import {
  type AgentRecordMapping,
  type AgentView,
  type DisconnectReason,
  type SessionEndAction,
} from '../../plugin-api/index.js';
import { type Json, renderAttributes } from '../protocol/index.js';

/**
 * What the server persists about an agent when no plugin maps agents to records of its own: who it is,
 * what it said about itself and how healthy it is.
 */
export interface AgentSnapshot {
  /** The agent's instance uid as shown to people; the record's key. */
  readonly agentId: string;
  /** The identity a plugin (or the default) gave it. */
  readonly identity: {
    readonly provider: string;
    readonly key: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  /** The agent description's attributes, undefined until it described itself. */
  readonly description?: {
    readonly identifyingAttributes: Readonly<Record<string, Json>>;
    readonly nonIdentifyingAttributes: Readonly<Record<string, Json>>;
  };
  /** The top-level health, undefined until reported. */
  readonly health?: { readonly healthy: boolean; readonly status: string; readonly lastError: string };
  /** When this state was observed, ms since the epoch. */
  readonly observedAt: number;
}

/**
 * The default {@link AgentRecordMapping}: one {@link AgentSnapshot} per identified agent, keyed by its
 * uid, rewritten when its description or health changes, deleted when its session ends (a dropped
 * WebSocket gets the stale limit to come back) and kept across a server shutdown.
 */
export const agentSnapshotMapping: AgentRecordMapping<AgentSnapshot> = {
  name: 'agent-snapshot',
  recordOf(agent: AgentView, now: number): AgentSnapshot | undefined {
    const { identity } = agent;
    if (!identity) return undefined;
    const { description, health } = agent.status;
    return {
      agentId: agent.displayId,
      identity: {
        provider: identity.provider,
        key: identity.key ?? agent.displayId,
        labels: { ...identity.labels },
      },
      ...(description
        ? {
            description: {
              identifyingAttributes: renderAttributes(description.identifyingAttributes),
              nonIdentifyingAttributes: renderAttributes(description.nonIdentifyingAttributes),
            },
          }
        : {}),
      ...(health
        ? { health: { healthy: health.healthy, status: health.status, lastError: health.lastError } }
        : {}),
      observedAt: now,
    };
  },
  keyOf: (record) => record.agentId,
  agentOf: (record) => record.agentId,
  atSessionEnd(_agent: AgentView, _record: AgentSnapshot, reason: DisconnectReason): SessionEndAction {
    switch (reason) {
      case 'agent-disconnect':
      case 'stale':
        return 'remove';
      case 'connection-closed':
        return 'remove-unless-back';
      case 'server-shutdown':
        return 'keep';
    }
  },
};
