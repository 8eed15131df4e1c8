import { type Clock } from '../common/clock.js';

/** A clock that moves only when told: give it as `OpampModule.forRoot({ clock })` to run the server in fake time. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Sets the time, ms since the epoch. */
  set(ms: number): void {
    this.current = ms;
  }
}
