import { type z } from 'zod';

/** Refuses a write concurrency floor above its ceiling. */
export function requireWriteConcurrencyOrder(e: Record<string, unknown>, context: z.RefinementCtx): void {
  const min = e.PERSISTENCE_WRITE_CONCURRENCY_MIN;
  const max = e.PERSISTENCE_WRITE_CONCURRENCY_MAX;
  if (typeof min !== 'number' || typeof max !== 'number' || min <= max) return;
  context.addIssue({
    code: 'custom',
    path: ['PERSISTENCE_WRITE_CONCURRENCY_MAX'],
    message: `must be at least PERSISTENCE_WRITE_CONCURRENCY_MIN (${min})`,
  });
}
