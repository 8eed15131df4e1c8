import { type TimerHandle, type Timers } from '../../../../src/modules/persistence/index.js';

interface Scheduled {
  id: number;
  at: number;
  callback: () => void;
}

/** Timers that fire only when the test moves time with {@link advance}. */
export class FakeTimers implements Timers {
  private now = 0;
  private nextId = 1;
  private scheduled: Scheduled[] = [];

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.scheduled.push({ id, at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.scheduled = this.scheduled.filter((timer) => timer.id !== handle);
  }

  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = this.scheduled
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.scheduled = this.scheduled.filter((timer) => timer !== due);
      this.now = due.at;
      due.callback();
    }
    this.now = target;
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.scheduled.length;
  }
}
