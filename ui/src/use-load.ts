import { useEffect, useState } from 'preact/hooks';
import { changes } from './live.js';

/** What a page loaded: the data, the error, and whether a first answer came. */
export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/**
 * Loads `load()` when `key` changes and again on every live change; the previous data stays on screen while
 * the next answer is on its way, and an answer that arrives after a newer request is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, live = true): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: true });
  const tick = live ? changes.value : 0;
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) =>
        current &&
        setState((previous) => ({
          data: previous.data,
          error: error instanceof Error ? error.message : String(error),
          loading: false,
        })),
    );
    return () => {
      current = false;
    };
    // `key` names everything `load` depends on.
  }, [key, tick]);
  return state;
}
