import { type AgentRecord, agentRecordKey } from './agent-record.js';
import {
  type AgentStore,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from './agent-store.interface.js';

/** `next` applied over `stored`: fields `next` does not report keep their stored value. */
export function mergeRecord(stored: AgentRecord | undefined, next: AgentRecord): AgentRecord {
  if (!stored) return next;
  return {
    ...next,
    ...(next.identifyingAttributes === undefined && stored.identifyingAttributes !== undefined
      ? { identifyingAttributes: stored.identifyingAttributes }
      : {}),
    ...(next.health === undefined && stored.health !== undefined ? { health: stored.health } : {}),
    ...(next.components === undefined && stored.components !== undefined
      ? { components: stored.components }
      : {}),
  };
}

/**
 * Keeps records in process memory: the default outside a cluster (`PERSISTENCE=memory`). Everything is lost
 * when the process exits, so `list()` is empty after a restart.
 */
export class MemoryAgentStore implements AgentStore {
  private readonly records = new Map<string, AgentRecord>();

  async upsert(record: AgentRecord): Promise<UpsertOutcome> {
    const key = agentRecordKey(record.location);
    const stored = this.records.get(key);
    this.records.set(key, mergeRecord(stored, record));
    return stored ? 'updated' : 'created';
  }

  async remove(record: AgentRecord, _reason?: RemoveReason): Promise<RemoveOutcome> {
    return this.records.delete(agentRecordKey(record.location)) ? 'deleted' : 'absent';
  }

  async list(): Promise<AgentRecord[]> {
    return [...this.records.values()];
  }

  /** The record of one pod process, if stored. */
  get(location: Parameters<typeof agentRecordKey>[0]): AgentRecord | undefined {
    return this.records.get(agentRecordKey(location));
  }

  /** Number of records held. */
  get size(): number {
    return this.records.size;
  }
}
