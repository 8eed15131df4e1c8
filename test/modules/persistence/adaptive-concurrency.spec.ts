import { describe, expect, it } from '@jest/globals';
import {
  AdaptiveConcurrency,
  type ConcurrencyLimits,
} from '../../../src/modules/persistence/adaptive-concurrency.js';
import { ManualClock } from '../../../src/testing/index.js';

const limits: ConcurrencyLimits = { initial: 4, min: 2, max: 8, slowMs: 500 };

function controller(bounds: ConcurrencyLimits = limits): {
  concurrency: AdaptiveConcurrency;
  clock: ManualClock;
} {
  const clock = new ManualClock(1_000);
  return { concurrency: new AdaptiveConcurrency(bounds, () => clock.now()), clock };
}

/** `count` fast calls, each started now and finished 10 ms later, while work was waiting. */
function fastCalls(concurrency: AdaptiveConcurrency, clock: ManualClock, count: number): void {
  for (let i = 0; i < count; i++) {
    const started = clock.now();
    clock.advance(10);
    concurrency.record(concurrency.signalOf(10), started, true);
  }
}

describe('AdaptiveConcurrency', () => {
  it('starts at the initial limit, clamped between the floor and the ceiling', () => {
    expect(controller().concurrency.limit).toBe(4);
    expect(controller({ ...limits, initial: 50 }).concurrency.limit).toBe(8);
    expect(controller({ ...limits, initial: 1 }).concurrency.limit).toBe(2);
  });

  it('grows by about one per round of fast calls while work is waiting, up to the ceiling', () => {
    const { concurrency, clock } = controller();
    fastCalls(concurrency, clock, 4);
    expect(concurrency.limit).toBe(4);
    fastCalls(concurrency, clock, 1);
    expect(concurrency.limit).toBe(5);
    fastCalls(concurrency, clock, 200);
    expect(concurrency.limit).toBe(8);
  });

  it('does not grow when the queue had nothing more to send', () => {
    const { concurrency, clock } = controller();
    for (let i = 0; i < 100; i++) concurrency.record('fast', clock.now(), false);
    expect(concurrency.limit).toBe(4);
  });

  it('halves on throttling, errors and timeouts, never below the floor', () => {
    const { concurrency, clock } = controller({ ...limits, initial: 8 });
    concurrency.record('overloaded', clock.now(), true);
    expect(concurrency.limit).toBe(4);
    clock.advance(100);
    concurrency.record('overloaded', clock.now(), true);
    expect(concurrency.limit).toBe(2);
    clock.advance(100);
    concurrency.record('overloaded', clock.now(), true);
    expect(concurrency.limit).toBe(2);
  });

  it('steps down by a fifth on a slow call', () => {
    const { concurrency, clock } = controller({ ...limits, initial: 8 });
    expect(concurrency.signalOf(501)).toBe('slow');
    expect(concurrency.signalOf(500)).toBe('fast');
    concurrency.record(concurrency.signalOf(900), clock.now(), true);
    expect(concurrency.limit).toBe(6);
  });

  it('decreases once for calls that were in flight together: only calls started after a decrease count', () => {
    const { concurrency, clock } = controller({ ...limits, initial: 8 });
    const startedTogether = clock.now();
    clock.advance(50);
    // Eight calls sent at the old limit all fail: one halving, not eight.
    for (let i = 0; i < 8; i++) concurrency.record('overloaded', startedTogether, true);
    expect(concurrency.limit).toBe(4);
    clock.advance(50);
    concurrency.record('overloaded', clock.now(), true);
    expect(concurrency.limit).toBe(2);
  });

  it('ignores calls that say nothing about load (a conflict, a rejected record)', () => {
    const { concurrency, clock } = controller();
    concurrency.record('neutral', clock.now(), true);
    expect(concurrency.limit).toBe(4);
  });

  it('recovers after an overload once the store answers fast again', () => {
    const { concurrency, clock } = controller({ ...limits, initial: 8 });
    concurrency.record('overloaded', clock.now(), true);
    expect(concurrency.limit).toBe(4);
    fastCalls(concurrency, clock, 40);
    expect(concurrency.limit).toBe(8);
  });
});
