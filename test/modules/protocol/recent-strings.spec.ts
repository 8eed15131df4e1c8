import { describe, expect, it } from '@jest/globals';
import { RecentStrings } from '../../../src/modules/protocol/recent-strings.js';

describe('RecentStrings', () => {
  it('hands back the string it remembered', () => {
    const recent = new RecentStrings(100, 20);
    const value = ['service', 'name'].join('.');
    recent.remember(value);
    expect(recent.get('service.name')).toBe(value);
    expect(recent.get('host.name')).toBeUndefined();
  });

  it('never holds more characters than its budget, however many strings go through it', () => {
    const recent = new RecentStrings(1000, 64);
    let most = 0;
    for (let k = 0; k < 10_000; k++) {
      recent.remember(`pod-${k}-${'x'.repeat(k % 60)}`);
      most = Math.max(most, recent.chars);
    }
    expect(most).toBeLessThanOrEqual(1000);
    expect(most).toBeGreaterThan(900);
    expect(recent.size).toBeGreaterThan(0);
  });

  it('empties itself when the next string would not fit, then keeps that string', () => {
    const recent = new RecentStrings(10, 10);
    recent.remember('abcd');
    recent.remember('efgh');
    expect(recent.chars).toBe(8);
    recent.remember('ijk');
    expect(recent.size).toBe(1);
    expect(recent.chars).toBe(3);
    expect(recent.get('abcd')).toBeUndefined();
    expect(recent.get('ijk')).toBe('ijk');
  });

  it('does not remember a string longer than its limit, nor count one it holds twice', () => {
    const recent = new RecentStrings(100, 5);
    recent.remember('too long');
    recent.remember('short');
    recent.remember('short');
    expect(recent.size).toBe(1);
    expect(recent.chars).toBe(5);
  });
});
