/** The server's heap at one point of a fuzz run, after its sessions ended and a full GC. */
export interface HeapCheckpoint {
  /** Inputs sent since the baseline (0 for the baseline itself). */
  readonly inputs: number;
  /** JS heap in use, without V8's code spaces (compiled code grows while the JIT warms up; it is not data). */
  readonly heapBytes: number;
}

/** What {@link judgeHeapGrowth} concluded. */
export interface HeapGrowthVerdict {
  /** Growth per input: the median of the slopes between every two checkpoints (Theil–Sen). */
  readonly bytesPerInput: number;
  /** The same, as MiB per 100,000 inputs. */
  readonly mibPer100kInputs: number;
  /** Last checkpoint − first, for the report (not judged: a plateau reached after the baseline shows here). */
  readonly endMinusStartBytes: number;
  /** The limit the slope was held to: {@link DEFAULT_MAX_HEAP_BYTES_PER_INPUT}, more for a short run. */
  readonly maxBytesPerInput: number;
  /** The heap keeps growing with the inputs. */
  readonly leak: boolean;
}

/**
 * A leak grows the heap with every input; a cache warming up (compiled code, inline caches, pools, a bounded
 * map) grows it once and stays. So growth is judged as a slope over several checkpoints, not end − start:
 * 16 bytes per input is 1.5 MiB per 100,000 inputs, far below what even a small per-request leak adds
 * (a retained 100-byte string is ≈ 120 bytes per request), far above the noise of a settled heap.
 */
export const DEFAULT_MAX_HEAP_BYTES_PER_INPUT = 16;
/**
 * A settled heap still moves by up to about ±0.5 MiB between checkpoints (what a full GC leaves varies), so a
 * slope is not judged finer than 1.5 MiB over the checkpoints' span: a run of 20,000 inputs is held to 79
 * bytes per input, one of 100,000 or more to the 16 above.
 */
export const HEAP_NOISE_BYTES = 1.5 * 1024 * 1024;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Judges the heap of a fuzz run from its checkpoints (the baseline after a warm-up, then one after each
 * slice of inputs): a leak when the Theil–Sen slope, robust to one odd checkpoint, exceeds
 * `bytesPerInputLimit` (or {@link HEAP_NOISE_BYTES} over the checkpoints' span, when that is more).
 * @throws {RangeError} fewer than 3 checkpoints, or two at the same input count (no slope to speak of).
 */
export function judgeHeapGrowth(
  checkpoints: readonly HeapCheckpoint[],
  bytesPerInputLimit = DEFAULT_MAX_HEAP_BYTES_PER_INPUT,
): HeapGrowthVerdict {
  if (checkpoints.length < 3) throw new RangeError('a heap slope needs at least 3 checkpoints');
  const span = checkpoints.at(-1)!.inputs - checkpoints[0]!.inputs;
  const maxBytesPerInput = Math.max(bytesPerInputLimit, Math.round(HEAP_NOISE_BYTES / Math.abs(span)));
  const slopes: number[] = [];
  for (let i = 0; i < checkpoints.length; i++) {
    for (let j = i + 1; j < checkpoints.length; j++) {
      const a = checkpoints[i]!;
      const b = checkpoints[j]!;
      if (a.inputs === b.inputs) throw new RangeError(`two heap checkpoints at ${a.inputs} inputs`);
      slopes.push((b.heapBytes - a.heapBytes) / (b.inputs - a.inputs));
    }
  }
  const bytesPerInput = median(slopes);
  return {
    bytesPerInput: Math.round(bytesPerInput * 10) / 10,
    mibPer100kInputs: Math.round(((bytesPerInput * 100_000) / 1048576) * 100) / 100,
    endMinusStartBytes: checkpoints.at(-1)!.heapBytes - checkpoints[0]!.heapBytes,
    maxBytesPerInput,
    leak: bytesPerInput > maxBytesPerInput,
  };
}
