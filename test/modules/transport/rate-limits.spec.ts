import { describe, expect, it } from '@jest/globals';
import { KeyedRateLimiter } from '../../../src/modules/transport/keyed-rate-limiter.js';
import { TokenBucket } from '../../../src/modules/transport/token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst through, then one message per 1/rate seconds', () => {
    const bucket = new TokenBucket(2, 4, 0);
    expect([0, 0, 0, 0].map(() => bucket.take(0))).toEqual([0, 0, 0, 0]);
    expect(bucket.take(0)).toBe(500);
    expect(bucket.take(250)).toBe(250);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(500)).toBe(500);
  });

  it('refills up to the burst, not beyond', () => {
    const bucket = new TokenBucket(10, 3, 0);
    for (let i = 0; i < 3; i++) bucket.take(0);
    expect(bucket.isFull(100_000)).toBe(true);
    expect([1, 2, 3, 4].map(() => bucket.take(100_000))).toEqual([0, 0, 0, 100]);
  });
});

describe('KeyedRateLimiter', () => {
  it('limits each key on its own', () => {
    const limiter = new KeyedRateLimiter(1, 2);
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0, 1000]);
    expect(limiter.take('b', 0)).toBe(0);
  });

  it('forgets keys whose bucket refilled, so invented keys do not pile up', () => {
    const limiter = new KeyedRateLimiter(100, 200);
    for (let i = 0; i < 1000; i++) limiter.take(`uid-${i}`, 0);
    expect(limiter.size).toBe(1000);
    limiter.take('later', 10_000);
    expect(limiter.size).toBe(1);
  });
});
