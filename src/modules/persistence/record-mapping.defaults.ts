import { type AgentRecordMapping, type AgentStatusField } from '../../plugin-api/index.js';

/** The mapping's `writesOn`, or the default: a changed description or health rewrites the record. */
export function writesOn(mapping: AgentRecordMapping, changed: readonly AgentStatusField[]): boolean {
  if (mapping.writesOn) return mapping.writesOn(changed);
  return changed.includes('description') || changed.includes('health');
}

/** The mapping's `fingerprintOf`, or the record's JSON without `observedAt`. */
export function fingerprintOf<R extends object>(mapping: AgentRecordMapping<R>, record: R): string {
  if (mapping.fingerprintOf) return mapping.fingerprintOf(record);
  return JSON.stringify(record, (key, value: unknown) => (key === 'observedAt' ? undefined : value));
}

/** The mapping's `merge`, or `next` over `stored` with `next`'s undefined fields keeping the stored ones. */
export function mergeRecords<R extends object>(mapping: AgentRecordMapping<R>, stored: R, next: R): R {
  if (mapping.merge) return mapping.merge(stored, next);
  const merged: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
  for (const [key, value] of Object.entries(next as Record<string, unknown>)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as R;
}
