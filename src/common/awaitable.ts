/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/**
 * Whether `value` is a promise (a thenable). The message pipeline awaits only what is really pending,
 * so a message whose every step is synchronous is served without extra microtask turns.
 */
export function isThenable<T>(value: Awaitable<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
