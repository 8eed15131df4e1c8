/** A socket the {@link KeepAliveWheel} visits once per turn. */
export interface KeepAliveSubject {
  /** One keep-alive tick: ping if silent, terminate if the last ping went unanswered. */
  keepAlive(): void;
  /** The wheel's slot holding it; set by {@link KeepAliveWheel.add}. */
  keepAliveSlot: number;
}

/** Length of one step of the wheel, ms: small enough that a step over 100,000 sockets stays short. */
export const KEEP_ALIVE_STEP_MS = 100;

/**
 * The open WebSockets, in slots visited one per step, so that the keep-alive work of a ping interval is
 * spread over the whole interval: with 19,000 sockets and a 30 s interval a step visits about 63 of them
 * instead of one tick pinging all of them at once (a ping is a write per socket; all at once was a stall
 * of the event loop that every message waiting behind it paid for).
 */
export class KeepAliveWheel<T extends KeepAliveSubject> {
  private readonly slots: Array<Set<T>>;
  private cursor = 0;
  private nextSlot = 0;
  private count = 0;

  /** `intervalMs`: the time one full turn takes, the ping interval (`WS_PING_INTERVAL_S`). */
  constructor(readonly intervalMs: number) {
    const slotCount = Math.max(1, Math.round(intervalMs / KEEP_ALIVE_STEP_MS));
    this.slots = Array.from({ length: slotCount }, () => new Set<T>());
  }

  /** Time between two {@link step} calls, ms. */
  get stepMs(): number {
    return this.intervalMs / this.slots.length;
  }

  get size(): number {
    return this.count;
  }

  /** Adds a socket to the slot after the last one filled (round robin keeps the slots even). */
  add(subject: T): void {
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % this.slots.length;
    subject.keepAliveSlot = slot;
    this.slots[slot]!.add(subject);
    this.count++;
  }

  /** Removes a socket; false when it was not held. */
  delete(subject: T): boolean {
    const removed = this.slots[subject.keepAliveSlot]?.delete(subject) ?? false;
    if (removed) this.count--;
    return removed;
  }

  /** Visits the next slot's sockets. */
  step(): void {
    const slot = this.slots[this.cursor]!;
    this.cursor = (this.cursor + 1) % this.slots.length;
    // A socket terminated during its visit leaves the set later (on its close event), not while iterating.
    for (const subject of slot) subject.keepAlive();
  }

  /** Visits every socket once now (a whole turn at once; tests and diagnostics). */
  turn(): void {
    for (const slot of this.slots) for (const subject of slot) subject.keepAlive();
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const slot of this.slots) yield* slot;
  }
}
