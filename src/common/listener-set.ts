/** A function told of each event of a {@link ListenerSet}. */
export type Listener<E> = (event: E) => void;

/**
 * Listeners added and removed at any time, called synchronously in the order they were added. One that
 * throws is handed to `onError` and skipped, so neither the other listeners nor the emitter are affected.
 * Adding or removing copies the list, so a listener may unsubscribe while an event is being delivered.
 */
export class ListenerSet<E> {
  private listeners: ReadonlyArray<Listener<E>> = [];

  constructor(private readonly onError: (error: unknown, event: E) => void) {}

  /** Adds `listener`; returns the function that removes it. */
  add(listener: Listener<E>): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((known) => known !== listener);
    };
  }

  emit(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error, event);
      }
    }
  }
}
