import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MAX_HEAP_BYTES_PER_INPUT, judgeHeapGrowth } from '../../bench/lib/heap-growth.js';

const MIB = 1024 * 1024;
const BASE = 60 * MIB;
/** Checkpoints at 0, 20k … 100k inputs with the heap given per checkpoint (bytes above BASE). */
const run = (...above: number[]) =>
  above.map((bytes, i) => ({ inputs: i * 20_000, heapBytes: BASE + bytes }));

describe('judgeHeapGrowth (the fuzz heap rule)', () => {
  it('passes a plateau: 2.9 MiB grown once after the baseline, flat after', () => {
    const verdict = judgeHeapGrowth(run(0, 2.9 * MIB, 2.9 * MIB, 3 * MIB, 2.8 * MIB, 2.9 * MIB));
    expect(verdict.leak).toBe(false);
    expect(verdict.endMinusStartBytes).toBeCloseTo(2.9 * MIB, 0);
  });

  it('passes a flat heap with one odd checkpoint (a GC left something once)', () => {
    expect(judgeHeapGrowth(run(0, 0.3 * MIB, -0.2 * MIB, 1.5 * MIB, 0.1 * MIB, 0)).leak).toBe(false);
  });

  it('fails a leak of one retained 100-character string per request (≈ 60 bytes per input)', () => {
    // Half the inputs are HTTP requests; a 100-character one-byte string is ≈ 120 bytes in V8.
    const leak = (inputs: number): number => inputs * 60;
    const verdict = judgeHeapGrowth(
      run(0, leak(20_000), leak(40_000), leak(60_000), leak(80_000), leak(100_000)),
    );
    expect(verdict.leak).toBe(true);
    expect(verdict.bytesPerInput).toBe(60);
    expect(verdict.mibPer100kInputs).toBeCloseTo(5.72, 2);
  });

  it('fails a slow leak just over the limit, even when noisy', () => {
    const slope = DEFAULT_MAX_HEAP_BYTES_PER_INPUT * 1.5;
    const noise = [0, 0.2, -0.2, 0.1, -0.1, 0.2].map((n) => n * MIB);
    const verdict = judgeHeapGrowth(run(...noise.map((n, i) => n + i * 20_000 * slope)));
    expect(verdict.leak).toBe(true);
  });

  it('holds a short run to the noise over its span: it cannot tell 1 MiB over 20,000 inputs from noise', () => {
    const short = [0, 0.25, 0.5, 0.75, 1].map((share, i) => ({
      inputs: i * 5_000,
      heapBytes: BASE + share * MIB,
    }));
    const verdict = judgeHeapGrowth(short);
    expect(verdict.maxBytesPerInput).toBe(79);
    expect(verdict.leak).toBe(false);
  });

  it('refuses to judge fewer than 3 checkpoints', () => {
    expect(() => judgeHeapGrowth(run(0, MIB))).toThrow(RangeError);
  });
});
