/**
 * The timers of one simulator: all `unref`'d (like the agents' own, so a test process never hangs on
 * them) and all cleared by {@link SimulatorTimers.clearAll}. They use the global timer functions at call
 * time, so `jest.useFakeTimers()` can drive them.
 */
export class SimulatorTimers {
  private readonly timeouts = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private readonly pendingDelays = new Set<() => void>();

  /** Waits `ms`; resolves early (with `false`) when the timers are cleared. */
  delay(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = (): void => {
        this.pendingDelays.delete(cancel);
        clearTimeout(timer);
        this.timeouts.delete(timer);
        resolve(false);
      };
      const timer = this.after(ms, () => {
        this.pendingDelays.delete(cancel);
        resolve(true);
      });
      this.pendingDelays.add(cancel);
    });
  }

  /** `setTimeout`, unref'd. */
  after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timeouts.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timeouts.add(timer);
    return timer;
  }

  /** `setInterval`, unref'd. */
  every(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.intervals.add(timer);
    return timer;
  }

  /** Clears every timer and resolves pending delays with `false`. */
  clearAll(): void {
    for (const timer of this.timeouts) clearTimeout(timer);
    for (const timer of this.intervals) clearInterval(timer);
    this.timeouts.clear();
    this.intervals.clear();
    for (const cancel of [...this.pendingDelays]) cancel();
    this.pendingDelays.clear();
  }
}
