import { type Watch } from '@kubernetes/client-node';
import { toKubernetesError } from './kubernetes-error.mapping.js';
import { kubernetesStats, outcomeOfError } from './kubernetes-stats.js';
import { ReflectorBackoff } from './reflector-backoff.js';
import { listResource, resourceVersionOf } from './reflector-list.js';
import {
  DEFAULT_REFLECTOR_BACKOFF_INITIAL_MS,
  DEFAULT_REFLECTOR_BACKOFF_MAX_MS,
  DEFAULT_REFLECTOR_BACKOFF_RESET_MS,
  DEFAULT_REFLECTOR_LIST_TIMEOUT_MS,
  DEFAULT_REFLECTOR_WATCH_OPEN_TIMEOUT_MS,
  DEFAULT_REFLECTOR_WATCH_TIMEOUT_S,
  type ResourceReflectorOptions,
} from './reflector.types.js';
import { createWatchClient, type WatchEnd, watchOnce } from './reflector-watch.js';

/** A watch that ends sooner than this after opening is reopened only after a backoff delay. */
const MIN_HEALTHY_WATCH_MS = 1_000;

function pause(ms: number, stopped: AbortSignal): Promise<void> {
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

/**
 * Keeps a handler in step with one resource, as client-go's reflector does
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes): list, then
 * watch from the list's resourceVersion; when the watch ends or fails, watch again from the last version
 * seen; relist when that version has expired (410 Gone). Failures are retried after an exponential backoff
 * ({@link ReflectorBackoff}), forever, until {@link stop}: nothing it does can throw into the process.
 * Every new watch after the first is counted in `kubernetesStats` as a restart, by the path's last segment
 * and why (`expired`, `closed`, `error`).
 */
export class ResourceReflector {
  private readonly listTimeoutMs: number;
  private readonly watchOpenTimeoutMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly watchClient: Watch;
  private readonly backoff: ReflectorBackoff;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private stopping = new AbortController();
  private resourceVersion: string | undefined;
  private failures = 0;
  /** The `resource` label of the watch restart metrics: the path's last segment (`pods`, `configmaps`). */
  private readonly metricsResource: string;

  constructor(private readonly options: ResourceReflectorOptions) {
    this.metricsResource = options.path.slice(options.path.lastIndexOf('/') + 1) || options.path;
    this.listTimeoutMs = options.listTimeoutMs ?? DEFAULT_REFLECTOR_LIST_TIMEOUT_MS;
    this.watchOpenTimeoutMs = options.watchOpenTimeoutMs ?? DEFAULT_REFLECTOR_WATCH_OPEN_TIMEOUT_MS;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? DEFAULT_REFLECTOR_WATCH_TIMEOUT_S;
    this.backoff = new ReflectorBackoff({
      initialMs: options.backoffInitialMs ?? DEFAULT_REFLECTOR_BACKOFF_INITIAL_MS,
      maxMs: options.backoffMaxMs ?? DEFAULT_REFLECTOR_BACKOFF_MAX_MS,
      resetAfterMs: options.backoffResetMs ?? DEFAULT_REFLECTOR_BACKOFF_RESET_MS,
    });
    this.watchClient = createWatchClient(options.kubeConfig, this.watchOpenTimeoutMs);
  }

  /** Starts listing and watching in the background; returns at once. A started reflector ignores it. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.resourceVersion = undefined;
    this.failures = 0;
    this.backoff.reset();
    const stopped = this.stopping.signal;
    // A restart waits for the previous run to end, so two runs never share the handler.
    this.loop = this.loop.then(() => this.run(stopped));
  }

  /** Stops: aborts the list or watch under way and resolves once nothing is left open. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.loop;
  }

  private async run(stopped: AbortSignal): Promise<void> {
    while (!stopped.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.list(stopped);
        if (stopped.aborted) break;
        const openedAt = Date.now();
        const end = await this.watch(stopped);
        if (end === 'stopped') break;
        if (end === 'expired') this.resourceVersion = undefined;
        kubernetesStats.watchRestart(this.metricsResource, end);
        // A server that ends every watch at once (or keeps answering 410) must not be hammered.
        if (Date.now() - openedAt < MIN_HEALTHY_WATCH_MS) await pause(this.backoff.nextDelay(), stopped);
      } catch (error) {
        if (stopped.aborted) break;
        this.failures++;
        const retryInMs = this.backoff.nextDelay();
        const failure = toKubernetesError(this.operation('watch'), error);
        kubernetesStats.watchRestart(this.metricsResource, 'error');
        this.options.handler.failed(failure, this.failures, retryInMs);
        await pause(retryInMs, stopped);
      }
    }
  }

  private async list(stopped: AbortSignal): Promise<void> {
    const listed = await listResource({
      operation: this.operation('list'),
      deadlineMs: this.listTimeoutMs,
      signal: stopped,
      list: this.options.list,
    });
    if (stopped.aborted) return;
    this.options.handler.replace(listed.items);
    this.resourceVersion = listed.resourceVersion;
    this.succeeded();
  }

  /** One watch; its request is counted in `kubernetesStats` (`watch`, ok once open, else the error). */
  private async watch(stopped: AbortSignal): Promise<WatchEnd> {
    let opened = false;
    try {
      return await this.watchOnce(stopped, () => (opened = true));
    } catch (error) {
      if (!opened && !stopped.aborted)
        kubernetesStats.request('watch', outcomeOfError(toKubernetesError(this.operation('watch'), error)));
      throw error;
    }
  }

  private watchOnce(stopped: AbortSignal, onOpen: () => void): Promise<WatchEnd> {
    return watchOnce({
      client: this.watchClient,
      operation: this.operation('watch'),
      path: this.options.path,
      query: {
        ...this.options.query,
        allowWatchBookmarks: true,
        timeoutSeconds: this.watchTimeoutSeconds,
        ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
      },
      openTimeoutMs: this.watchOpenTimeoutMs,
      timeoutSeconds: this.watchTimeoutSeconds,
      signal: stopped,
      onOpen: () => {
        onOpen();
        kubernetesStats.request('watch', 'ok');
        this.backoff.healthy();
        this.succeeded();
      },
      onEvent: (type, object) => {
        this.resourceVersion = resourceVersionOf(object) ?? this.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
          this.options.handler.apply(type, object);
      },
    });
  }

  private succeeded(): void {
    if (this.failures === 0) return;
    const failures = this.failures;
    this.failures = 0;
    this.options.handler.recovered(failures);
  }

  private operation(verb: 'list' | 'watch'): string {
    return `${verb} ${this.options.resource}`;
  }
}
