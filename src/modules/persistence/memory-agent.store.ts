import {
  type AgentRecordMapping,
  type AgentStore,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from '../../plugin-api/index.js';
import { mergeRecords } from './record-mapping.defaults.js';

/**
 * Keeps records in process memory, keyed by the mapping: the default outside a cluster
 * (`PERSISTENCE=memory`). Everything is lost when the process exits, so `list()` is empty after a restart.
 */
export class MemoryAgentStore<R extends object = object> implements AgentStore<R> {
  private readonly records = new Map<string, R>();

  constructor(private readonly mapping: AgentRecordMapping<R>) {}

  async upsert(record: R): Promise<UpsertOutcome> {
    const key = this.mapping.keyOf(record);
    const stored = this.records.get(key);
    this.records.set(key, stored ? mergeRecords(this.mapping, stored, record) : record);
    return stored ? 'updated' : 'created';
  }

  async remove(record: R, _reason?: RemoveReason): Promise<RemoveOutcome> {
    return this.records.delete(this.mapping.keyOf(record)) ? 'deleted' : 'absent';
  }

  async list(): Promise<R[]> {
    return [...this.records.values()];
  }

  /** The record stored under `key`, if any. */
  get(key: string): R | undefined {
    return this.records.get(key);
  }

  /** Number of records held. */
  get size(): number {
    return this.records.size;
  }
}
