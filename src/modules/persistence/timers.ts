/** A timer started by {@link Timers}. */
export type TimerHandle = unknown;

/**
 * Where persistence gets its timers (retry backoff, the start-up grace period), so tests can run them in
 * fake time. The default, {@link systemTimers}, uses Node's timers and does not keep the process alive.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's timers, unref'd. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
