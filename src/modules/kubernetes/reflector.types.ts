import { type ConfigurationOptions, type KubeConfig } from '@kubernetes/client-node';
import { type KubernetesError } from './kubernetes.errors.js';

/** Deadline of the initial list and of each relist unless configured: 30 s (a cluster-wide list can be big). */
export const DEFAULT_REFLECTOR_LIST_TIMEOUT_MS = 30_000;

/** Time a watch request may take to be answered unless configured: 10 s. */
export const DEFAULT_REFLECTOR_WATCH_OPEN_TIMEOUT_MS = 10_000;

/** First retry delay after a failed list or watch unless configured: 500 ms (doubling, with jitter). */
export const DEFAULT_REFLECTOR_BACKOFF_INITIAL_MS = 500;

/** Longest retry delay unless configured: 30 s. */
export const DEFAULT_REFLECTOR_BACKOFF_MAX_MS = 30_000;

/**
 * How long a watch must stay open before the retry delay starts over from the initial one, unless
 * configured: 2 min, as client-go's reflector backoff manager (`NewExponentialBackoffManager`, resetDuration).
 */
export const DEFAULT_REFLECTOR_BACKOFF_RESET_MS = 120_000;

/** `timeoutSeconds` asked of the API server for each watch unless configured: 5 min, then it is reopened. */
export const DEFAULT_REFLECTOR_WATCH_TIMEOUT_S = 300;

/** A change streamed by a watch. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Receives what a `ResourceReflector` learns. Calls are never concurrent; they must not throw. */
export interface ReflectorHandler {
  /** A complete list: objects known before and missing from `objects` are gone. */
  replace(objects: readonly unknown[]): void;
  /** One change from the watch. */
  apply(type: WatchEventType, object: unknown): void;
  /** A list or watch failed; the next attempt is in `retryInMs`. */
  failed(error: KubernetesError, consecutiveFailures: number, retryInMs: number): void;
  /** A list or watch succeeded after `failures` failed attempts. */
  recovered(failures: number): void;
}

/** Timing of a `ResourceReflector`: deadlines and retry backoff. Every field is optional. */
export interface ReflectorTiming {
  /** Deadline of a list, ms; default {@link DEFAULT_REFLECTOR_LIST_TIMEOUT_MS}. */
  readonly listTimeoutMs?: number;
  /** Deadline for a watch request to be answered, ms; default {@link DEFAULT_REFLECTOR_WATCH_OPEN_TIMEOUT_MS}. */
  readonly watchOpenTimeoutMs?: number;
  /** First retry delay, ms; default {@link DEFAULT_REFLECTOR_BACKOFF_INITIAL_MS}. */
  readonly backoffInitialMs?: number;
  /** Longest retry delay, ms; default {@link DEFAULT_REFLECTOR_BACKOFF_MAX_MS}. */
  readonly backoffMaxMs?: number;
  /**
   * Time a watch must stay open for the retry delay to start over, ms;
   * default {@link DEFAULT_REFLECTOR_BACKOFF_RESET_MS}.
   */
  readonly backoffResetMs?: number;
  /** Server-side lifetime of each watch, s; default {@link DEFAULT_REFLECTOR_WATCH_TIMEOUT_S}. */
  readonly watchTimeoutSeconds?: number;
}

/** Options of a `ResourceReflector`: what to list and watch, who hears of it, and its timing. */
export interface ResourceReflectorOptions extends ReflectorTiming {
  /** The cluster. */
  readonly kubeConfig: KubeConfig;
  /** Shown in errors, e.g. `configmaps`. */
  readonly resource: string;
  /** Path watched, e.g. `/api/v1/namespaces/default/configmaps`. */
  readonly path: string;
  /** Query parameters of every watch, e.g. a `fieldSelector` (the list must apply the same); default none. */
  readonly query?: Readonly<Record<string, string>>;
  /** Lists every object of the path; must hand `options` to the client call so it can be aborted. */
  readonly list: (options: ConfigurationOptions) => Promise<unknown>;
  /** Receives the lists, the changes and the failures. */
  readonly handler: ReflectorHandler;
}
