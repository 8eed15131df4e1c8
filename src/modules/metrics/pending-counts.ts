import { type Counter } from 'prom-client';

/**
 * Counts by two labels kept as plain numbers on the hot path, and added to a prom-client counter when
 * `/metrics` is scraped: prom-client hashes and validates the labels of every `inc()`, which costs more than
 * the rest of a heartbeat's bookkeeping. `counts[a][b]++` is all a message pays.
 */
export class PendingCounts<A extends string, B extends string> {
  /** `counts[a][b]`: not yet added to the counter. */
  readonly counts: Record<A, Record<B, number>>;

  constructor(
    private readonly as: readonly A[],
    private readonly bs: readonly B[],
  ) {
    this.counts = Object.fromEntries(
      as.map((a) => [a, Object.fromEntries(bs.map((b) => [b, 0])) as Record<B, number>]),
    ) as Record<A, Record<B, number>>;
  }

  /**
   * Adds the counts to `counter` as `{ [aLabel]: a, [bLabel]: b }` and zeroes them; only the `b`s `accept`
   * takes when given (the others stay for another counter).
   */
  drainInto(counter: Counter<string>, aLabel: string, bLabel: string, accept?: (b: B) => boolean): void {
    for (const a of this.as) {
      const row = this.counts[a];
      for (const b of this.bs) {
        const count = row[b];
        if (count === 0 || (accept && !accept(b))) continue;
        row[b] = 0;
        counter.inc({ [aLabel]: a, [bLabel]: b }, count);
      }
    }
  }
}
