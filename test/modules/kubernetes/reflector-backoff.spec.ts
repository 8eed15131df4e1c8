import { describe, expect, it } from '@jest/globals';
import { ReflectorBackoff } from '../../../src/modules/kubernetes/index.js';

const POLICY = { initialMs: 100, maxMs: 1_000, resetAfterMs: 60_000 };

/** A backoff on a hand-moved clock, with the jitter fixed at `jitter` (0: 50 % of the ceiling, 1: 100 %). */
function backoffAt(jitter: number): { backoff: ReflectorBackoff; advance: (ms: number) => void } {
  let now = 0;
  const backoff = new ReflectorBackoff(
    POLICY,
    () => now,
    () => jitter,
  );
  return { backoff, advance: (ms) => (now += ms) };
}

describe('ReflectorBackoff', () => {
  it('doubles the delay from the initial one up to the cap', () => {
    const { backoff } = backoffAt(0.999_999);
    const delays = Array.from({ length: 7 }, () => backoff.nextDelay());
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('jitters each delay to between half and all of its ceiling', () => {
    const low = backoffAt(0).backoff;
    expect([low.nextDelay(), low.nextDelay(), low.nextDelay()]).toEqual([50, 100, 200]);
    const real = new ReflectorBackoff(POLICY);
    for (let i = 0; i < 20; i++) {
      const delay = real.nextDelay();
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(1_000);
    }
  });

  it('starts over after a healthy period of resetAfterMs, not after a shorter one', () => {
    const { backoff, advance } = backoffAt(0.999_999);
    backoff.nextDelay();
    backoff.nextDelay();
    backoff.healthy();
    advance(59_999);
    expect(backoff.nextDelay()).toBe(400); // healthy, but not for long enough: a flapping watch keeps growing
    backoff.healthy();
    advance(30_000);
    backoff.healthy(); // a watch reopened within the healthy period does not restart it
    advance(30_000);
    expect(backoff.nextDelay()).toBe(100);
  });

  it('starts over on reset()', () => {
    const { backoff } = backoffAt(0.999_999);
    backoff.nextDelay();
    backoff.nextDelay();
    backoff.reset();
    expect(backoff.nextDelay()).toBe(100);
  });
});
