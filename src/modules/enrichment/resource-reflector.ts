import { type ConfigurationOptions, type KubeConfig, Watch } from '@kubernetes/client-node';
import {
  type EnrichmentError,
  KubernetesRequestError,
  KubernetesUnavailableError,
} from './enrichment.errors.js';
import { callKubernetesApi, toKubernetesError } from './kubernetes-api-call.js';

/** Deadline of the initial list and of each relist unless configured: 30 s (a cluster-wide list can be big). */
export const DEFAULT_REFLECTOR_LIST_TIMEOUT_MS = 30_000;

/** Time a watch request may take to be answered unless configured: 10 s. */
export const DEFAULT_REFLECTOR_WATCH_OPEN_TIMEOUT_MS = 10_000;

/** First retry delay after a failed list or watch unless configured: 500 ms (doubling, with jitter). */
export const DEFAULT_REFLECTOR_BACKOFF_INITIAL_MS = 500;

/** Longest retry delay unless configured: 30 s. */
export const DEFAULT_REFLECTOR_BACKOFF_MAX_MS = 30_000;

/** `timeoutSeconds` asked of the API server for each watch unless configured: 5 min, then it is reopened. */
export const DEFAULT_REFLECTOR_WATCH_TIMEOUT_S = 300;

/** A watch that ends sooner than this after opening is reopened only after the initial backoff delay. */
const MIN_HEALTHY_WATCH_MS = 1_000;

/** Extra time the client waits past `timeoutSeconds` before it gives up on a watch the server never ended. */
const WATCH_GRACE_MS = 30_000;

/** Slack of the reflector's own open deadline over the HTTP client's, which normally fires first. */
const WATCH_OPEN_BACKSTOP_MS = 1_000;

/** A change streamed by a watch. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Receives what a {@link ResourceReflector} learns. Calls are never concurrent; they must not throw. */
export interface ReflectorHandler {
  /** A complete list: objects known before and missing from `objects` are gone. */
  replace(objects: readonly unknown[]): void;
  /** One change from the watch. */
  apply(type: WatchEventType, object: unknown): void;
  /** A list or watch failed; the next attempt is in `retryInMs`. */
  failed(error: EnrichmentError, consecutiveFailures: number, retryInMs: number): void;
  /** A list or watch succeeded after `failures` failed attempts. */
  recovered(failures: number): void;
}

/** Options of {@link ResourceReflector}. */
export interface ResourceReflectorOptions {
  readonly kubeConfig: KubeConfig;
  /** Shown in errors, e.g. `instrumentationconfigs.odigos.io`. */
  readonly resource: string;
  /** Path watched, e.g. `/apis/odigos.io/v1alpha1/instrumentationconfigs` (all namespaces). */
  readonly path: string;
  /** Query parameters of every watch, e.g. a `fieldSelector` (the list must apply the same ones). */
  readonly query?: Readonly<Record<string, string>>;
  /** Lists every object of the path; must hand `options` to the client call so it can be aborted. */
  readonly list: (options: ConfigurationOptions) => Promise<unknown>;
  readonly handler: ReflectorHandler;
  /** Deadline of a list, ms; default {@link DEFAULT_REFLECTOR_LIST_TIMEOUT_MS}. */
  readonly listTimeoutMs?: number;
  /** Deadline for a watch request to be answered, ms; default {@link DEFAULT_REFLECTOR_WATCH_OPEN_TIMEOUT_MS}. */
  readonly watchOpenTimeoutMs?: number;
  /** First retry delay, ms; default {@link DEFAULT_REFLECTOR_BACKOFF_INITIAL_MS}. */
  readonly backoffInitialMs?: number;
  /** Longest retry delay, ms; default {@link DEFAULT_REFLECTOR_BACKOFF_MAX_MS}. */
  readonly backoffMaxMs?: number;
  /** Server-side lifetime of each watch, s; default {@link DEFAULT_REFLECTOR_WATCH_TIMEOUT_S}. */
  readonly watchTimeoutSeconds?: number;
}

type WatchEnd = 'closed' | 'expired' | 'stopped';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * `kubeConfig` with a response-headers timeout on every fetch it configures. client-node's `Watch` exposes its
 * AbortController only once the response headers have arrived, so without this a watch request the server
 * never answers would hold its socket forever (node-fetch's `timeout` is cleared when the headers arrive, and
 * does not apply to a streamed body).
 */
function withHeadersTimeout(kubeConfig: KubeConfig, timeoutMs: number): KubeConfig {
  const configured: KubeConfig = Object.create(kubeConfig) as KubeConfig;
  configured.applyToFetchOptions = (options) =>
    kubeConfig.applyToFetchOptions({ ...options, timeout: timeoutMs });
  return configured;
}

function resourceVersionOf(object: unknown): string | undefined {
  const version = isObject(object) && isObject(object.metadata) ? object.metadata.resourceVersion : undefined;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/**
 * Keeps a handler in step with one resource, as client-go's reflector does: list, then watch from the list's
 * resourceVersion; reopen the watch from the last version seen when it ends; relist when that version has
 * expired (410). Every failure is retried with exponential backoff and jitter, forever, until {@link stop}:
 * nothing it does can throw into the process.
 */
export class ResourceReflector {
  private readonly listTimeoutMs: number;
  private readonly watchOpenTimeoutMs: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly watchClient: Watch;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private stopping = new AbortController();
  private cancelWatch: (() => void) | undefined;
  private resourceVersion: string | undefined;
  private failures = 0;

  constructor(private readonly options: ResourceReflectorOptions) {
    this.listTimeoutMs = options.listTimeoutMs ?? DEFAULT_REFLECTOR_LIST_TIMEOUT_MS;
    this.watchOpenTimeoutMs = options.watchOpenTimeoutMs ?? DEFAULT_REFLECTOR_WATCH_OPEN_TIMEOUT_MS;
    this.backoffInitialMs = options.backoffInitialMs ?? DEFAULT_REFLECTOR_BACKOFF_INITIAL_MS;
    this.backoffMaxMs = options.backoffMaxMs ?? DEFAULT_REFLECTOR_BACKOFF_MAX_MS;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? DEFAULT_REFLECTOR_WATCH_TIMEOUT_S;
    this.watchClient = new Watch(withHeadersTimeout(options.kubeConfig, this.watchOpenTimeoutMs));
  }

  /** Starts listing and watching in the background; returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.resourceVersion = undefined;
    this.failures = 0;
    const stopped = this.stopping.signal;
    // A restart waits for the previous run to end, so two runs never share the handler.
    this.loop = this.loop.then(() => this.run(stopped));
  }

  /** Stops: aborts the list or watch under way and resolves once nothing is left open. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.cancelWatch?.();
    await this.loop;
  }

  private async run(stopped: AbortSignal): Promise<void> {
    while (!stopped.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.list(stopped);
        if (stopped.aborted) break;
        const openedAt = Date.now();
        const end = await this.watch();
        if (end === 'stopped') break;
        if (end === 'expired') this.resourceVersion = undefined;
        // A server that ends every watch at once (or keeps answering 410) must not be hammered.
        if (Date.now() - openedAt < MIN_HEALTHY_WATCH_MS) await this.pause(this.backoffInitialMs, stopped);
      } catch (error) {
        if (stopped.aborted) break;
        this.failures++;
        const retryInMs = this.backoffDelay(this.failures);
        this.options.handler.failed(
          toKubernetesError(this.operation('watch'), error),
          this.failures,
          retryInMs,
        );
        await this.pause(retryInMs, stopped);
      }
    }
  }

  private async list(stopped: AbortSignal): Promise<void> {
    const operation = this.operation('list');
    const answer = await callKubernetesApi(
      { operation, deadlineMs: this.listTimeoutMs, signal: stopped },
      this.options.list,
    );
    if (!isObject(answer) || !Array.isArray(answer.items)) {
      throw new KubernetesUnavailableError(operation, 'server-error', 'the answer is not a list');
    }
    if (stopped.aborted) return;
    this.options.handler.replace(answer.items);
    this.resourceVersion = resourceVersionOf(answer) ?? '';
    this.succeeded();
  }

  private watch(): Promise<WatchEnd> {
    const operation = this.operation('watch');
    return new Promise<WatchEnd>((resolve, reject) => {
      let settled = false;
      let expired = false;
      let errorEvent: Error | undefined;
      let controller: AbortController | undefined;
      const settle = (finish: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(openTimer);
        clearTimeout(lifetimeTimer);
        this.cancelWatch = undefined;
        controller?.abort();
        finish();
      };
      const openTimer = setTimeout(() => {
        const details = `not answered within ${this.watchOpenTimeoutMs} ms`;
        settle(() => reject(new KubernetesUnavailableError(operation, 'timeout', details)));
      }, this.watchOpenTimeoutMs + WATCH_OPEN_BACKSTOP_MS);
      // Ends a watch the server should have ended by now: a half-open connection would otherwise hang forever.
      const lifetimeTimer = setTimeout(
        () => settle(() => resolve('closed')),
        this.watchTimeoutSeconds * 1000 + WATCH_GRACE_MS,
      );
      this.cancelWatch = () => settle(() => resolve('stopped'));

      const onEvent = (type: string, object: unknown): void => {
        if (settled) return;
        if (type === 'ERROR') {
          if (isObject(object) && object.code === 410) expired = true;
          else errorEvent = this.errorEventToError(operation, object);
          return;
        }
        this.resourceVersion = resourceVersionOf(object) ?? this.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
          this.options.handler.apply(type, object);
      };
      const onDone = (error: unknown): void => {
        settle(() => {
          if (expired || statusCodeOf(error) === 410) resolve('expired');
          else if (error) reject(this.watchFailure(operation, error));
          else if (errorEvent) reject(errorEvent);
          else resolve('closed');
        });
      };
      const query = {
        ...this.options.query,
        allowWatchBookmarks: true,
        timeoutSeconds: this.watchTimeoutSeconds,
        ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
      };
      this.watchClient.watch(this.options.path, query, onEvent, onDone).then(
        (opened) => {
          controller = opened;
          if (settled) {
            opened.abort();
            return;
          }
          clearTimeout(openTimer);
          this.succeeded();
        },
        (error: unknown) => settle(() => reject(this.watchFailure(operation, error))),
      );
    });
  }

  private succeeded(): void {
    if (this.failures === 0) return;
    const failures = this.failures;
    this.failures = 0;
    this.options.handler.recovered(failures);
  }

  /** The watch client reports HTTP errors as plain errors with a `statusCode`. */
  private watchFailure(operation: string, error: unknown): EnrichmentError {
    const code = statusCodeOf(error);
    const details = error instanceof Error ? error.message : String(error);
    if (code === undefined) return toKubernetesError(operation, error);
    if (code === 429)
      return new KubernetesUnavailableError(operation, 'throttled', details, { cause: error });
    if (code >= 500)
      return new KubernetesUnavailableError(operation, 'server-error', details, { cause: error });
    return new KubernetesRequestError(operation, code, details, { cause: error });
  }

  private errorEventToError(operation: string, status: unknown): EnrichmentError {
    const code = isObject(status) && typeof status.code === 'number' ? status.code : 500;
    const message = isObject(status) && typeof status.message === 'string' ? status.message : 'ERROR event';
    return this.watchFailure(operation, Object.assign(new Error(message), { statusCode: code }));
  }

  private operation(verb: 'list' | 'watch'): string {
    return `${verb} ${this.options.resource}`;
  }

  private backoffDelay(failures: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.min(failures - 1, 20));
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }

  private pause(ms: number, stopped: AbortSignal): Promise<void> {
    if (stopped.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        stopped.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      stopped.addEventListener('abort', wake, { once: true });
    });
  }
}

function statusCodeOf(error: unknown): number | undefined {
  return isObject(error) && typeof error.statusCode === 'number' ? error.statusCode : undefined;
}
