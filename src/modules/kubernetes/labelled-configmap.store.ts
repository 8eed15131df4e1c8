import {
  type ConfigurationOptions,
  CoreV1Api,
  type KubeConfig,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { callKubernetesApi } from './kube-api-deadline.js';
import { toKubernetesError } from './kubernetes-error.mapping.js';
import {
  KubernetesConflictError,
  KubernetesNotFoundError,
  KubernetesRequestError,
} from './kubernetes.errors.js';
import { ReflectedCache } from './reflected-cache.js';
import { type WatchEventType } from './reflector.types.js';
import { ResourceReflector } from './resource-reflector.js';

/** Settings of a {@link LabelledConfigMapStore}. */
export interface LabelledConfigMapStoreOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespace of the ConfigMaps (`POD_NAMESPACE`). */
  readonly namespace: string;
  /** Label selector of the ConfigMaps; new ones get the labels its `key=value` terms name. */
  readonly labelSelector: string;
  /** Deadline of one write, ms. Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** First delay before a failed list or watch is retried, ms (doubling up to 30 s). Default 1000. */
  readonly retryDelayMs?: number;
}

/** What a subclass reads from one ConfigMap: its value (undefined when unusable) and what was wrong. */
export interface DecodedObject<T> {
  readonly value: T | undefined;
  /** Parts that were ignored (or why the whole ConfigMap was), for the log. */
  readonly problems: readonly string[];
}

/** A held ConfigMap and what it decoded to; `value` is undefined for a ConfigMap that could not be read. */
export interface LabelledConfigMap<T> {
  readonly configMap: V1ConfigMap;
  readonly value: T | undefined;
}

/** How a write failed: the subclass turns it into its own typed error. */
export type ConfigMapWriteFailure =
  | { readonly kind: 'missing' }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'unavailable'; readonly message: string; readonly cause: Error };

const MAX_CONFLICT_RETRIES = 3;
const MAX_RETRY_DELAY_MS = 30_000;

const isConfigMap = (object: unknown): object is V1ConfigMap =>
  typeof object === 'object' && object !== null && 'metadata' in object;

/**
 * Labels that make a new ConfigMap match a label selector: `key=value` and `key==value` terms set the
 * label, a bare `key` sets it to `true`; other terms (`!=`, `!key`) set nothing.
 */
export function labelsForSelector(selector: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const term of selector.split(',').map((t) => t.trim())) {
    if (term === '' || term.startsWith('!') || term.includes('!=')) continue;
    const [key, value] = term.includes('==') ? term.split('==') : term.split('=');
    if (key) labels[key] = value ?? 'true';
  }
  return labels;
}

/** The latest of the creation time and the managed-fields times: when the object was last written. */
export function lastWritten(configMap: V1ConfigMap): string {
  const times = [
    configMap.metadata?.creationTimestamp,
    ...(configMap.metadata?.managedFields ?? []).map((f) => f.time),
  ]
    .filter((t): t is Date => t !== undefined)
    .map((t) => new Date(t).getTime())
    .filter((t) => Number.isFinite(t));
  return new Date(times.length > 0 ? Math.max(...times) : 0).toISOString();
}

/**
 * ConfigMaps selected by a label in one namespace, listed and watched into memory (started at bootstrap),
 * each decoded by the subclass into a value. Writes create, replace (with optimistic concurrency: on a 409
 * the ConfigMap is re-read and the write rebuilt, up to 3 times) and delete ConfigMaps; what any writer
 * changes reaches every process watching the same ConfigMaps. A ConfigMap that cannot be decoded is logged
 * and held without a value, never a crash. Shared by remote configs and the package catalog.
 */
export abstract class LabelledConfigMapStore<T> extends ReflectedCache {
  protected readonly reflector: ResourceReflector;
  private readonly api: CoreV1Api;
  private readonly held = new Map<string, LabelledConfigMap<T>>();
  private readonly requestTimeoutMs: number;
  private markSynced!: () => void;
  /** Resolves once the first list of ConfigMaps has been loaded. */
  readonly synced = new Promise<void>((resolve) => {
    this.markSynced = resolve;
  });

  /** @param what what the ConfigMaps hold, for logs and errors, e.g. `config`. */
  protected constructor(
    protected readonly options: LabelledConfigMapStoreOptions,
    private readonly what: string,
  ) {
    super(`${what} ConfigMaps (${options.labelSelector} in ${options.namespace})`);
    const { kubeConfig, namespace, labelSelector } = options;
    const api = kubeConfig.makeApiClient(CoreV1Api);
    this.api = api;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.reflector = new ResourceReflector({
      kubeConfig,
      resource: `configmaps in ${namespace} (${labelSelector})`,
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      query: { labelSelector },
      list: (requestOptions) => api.listNamespacedConfigMap({ namespace, labelSelector }, requestOptions),
      handler: this.reflectorHandler(),
      backoffInitialMs: options.retryDelayMs ?? 1_000,
      backoffMaxMs: MAX_RETRY_DELAY_MS,
    });
  }

  /** Reads a ConfigMap; never throws. */
  protected abstract decode(configMap: V1ConfigMap): DecodedObject<T>;

  /** What a value gives agents: a change of it (or of whether there is one) calls {@link changed}. */
  protected abstract fingerprint(value: T): string;

  /** A ConfigMap's value appeared, changed or went away. Must not throw. */
  protected abstract changed(name: string): void;

  /** Turns a failed write into the subclass's error. */
  protected abstract writeError(name: string, failure: ConfigMapWriteFailure): Error;

  /** Every held ConfigMap with a value. */
  protected values(): Array<{ name: string; value: T }> {
    return [...this.held].flatMap(([name, { value }]) => (value === undefined ? [] : [{ name, value }]));
  }

  /** The held ConfigMap of that name, with its value if it has one. */
  protected heldObject(name: string): LabelledConfigMap<T> | undefined {
    return this.held.get(name);
  }

  /** A new ConfigMap's name, namespace and labels (those the selector names). */
  protected target(name: string): { name: string; namespace: string; labels: Record<string, string> } {
    const labels = labelsForSelector(this.options.labelSelector);
    if (Object.keys(labels).length === 0) {
      throw this.writeError(name, {
        kind: 'rejected',
        message: `the label selector "${this.options.labelSelector}" names no label to give new ConfigMaps; use key=value`,
      });
    }
    return { name, namespace: this.options.namespace, labels };
  }

  /**
   * Builds the new object from what is held and creates or replaces it; on a conflict (someone else wrote
   * in between) re-reads and tries again. `build` may throw the subclass's own errors. Returns whether the
   * ConfigMap was created.
   */
  protected async write(
    name: string,
    mayCreate: boolean,
    build: (current: LabelledConfigMap<T> | undefined) => V1ConfigMap,
  ): Promise<boolean> {
    let current = this.held.get(name);
    for (let attempt = 0; ; attempt++) {
      const body = build(current);
      const { namespace } = this.options;
      try {
        const written = current
          ? await this.call(`replace configmap ${name}`, (options) =>
              this.api.replaceNamespacedConfigMap({ name, namespace, body }, options),
            )
          : await this.call(`create configmap ${name}`, (options) =>
              this.api.createNamespacedConfigMap({ namespace, body }, options),
            );
        this.remember(written);
        return !current;
      } catch (error) {
        const conflict =
          error instanceof KubernetesConflictError || (error instanceof KubernetesNotFoundError && current);
        if (!conflict || attempt >= MAX_CONFLICT_RETRIES) throw this.failure(name, error);
        current = await this.read(name);
        if (!current && !mayCreate) throw this.writeError(name, { kind: 'missing' });
      }
    }
  }

  /** Deletes a ConfigMap; false when there was none. */
  protected async remove(name: string): Promise<boolean> {
    try {
      await this.call(`delete configmap ${name}`, (options) =>
        this.api.deleteNamespacedConfigMap({ name, namespace: this.options.namespace }, options),
      );
    } catch (error) {
      if (!(error instanceof KubernetesNotFoundError)) throw this.failure(name, error);
      return this.forget(name);
    }
    this.forget(name);
    return true;
  }

  /** A full list replaces what is held: ConfigMaps missing from it are gone. */
  protected replaceAll(objects: readonly unknown[]): void {
    const listed = new Set<string>();
    for (const object of objects) {
      if (!isConfigMap(object) || !object.metadata?.name) continue;
      listed.add(object.metadata.name);
      this.remember(object);
    }
    for (const name of [...this.held.keys()]) if (!listed.has(name)) this.forget(name);
    this.markSynced();
  }

  protected apply(type: WatchEventType, object: unknown): void {
    if (!isConfigMap(object)) return;
    if (type === 'DELETED') this.forget(object.metadata?.name ?? '');
    else this.remember(object);
  }

  /** The ConfigMap as the API has it now (also one that lacks the label: a write will add it). */
  private async read(name: string): Promise<LabelledConfigMap<T> | undefined> {
    try {
      const configMap = await this.call(`read configmap ${name}`, (options) =>
        this.api.readNamespacedConfigMap({ name, namespace: this.options.namespace }, options),
      );
      return { configMap, value: this.decode(configMap).value };
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw this.failure(name, error);
    }
  }

  private call<T>(operation: string, call: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    return callKubernetesApi({ operation, deadlineMs: this.requestTimeoutMs }, call);
  }

  /** Takes a ConfigMap into the cache; tells the subclass when what agents get changed. */
  private remember(configMap: V1ConfigMap): void {
    const name = configMap.metadata?.name;
    if (!name) return;
    const previous = this.held.get(name);
    const version = configMap.metadata?.resourceVersion;
    if (previous && version !== undefined && previous.configMap.metadata?.resourceVersion === version) return;
    const decoded = this.decode(configMap);
    if (decoded.problems.length > 0) {
      const message =
        decoded.value === undefined
          ? `a ${this.what} ConfigMap was skipped`
          : `parts of a ${this.what} ConfigMap were ignored`;
      this.logger.warn({ configMap: name, problems: decoded.problems }, message);
    }
    this.held.set(name, { configMap, value: decoded.value });
    if (this.fingerprintOf(previous?.value) !== this.fingerprintOf(decoded.value)) this.changed(name);
  }

  private fingerprintOf(value: T | undefined): string | undefined {
    return value === undefined ? undefined : this.fingerprint(value);
  }

  private forget(name: string): boolean {
    const previous = this.held.get(name);
    if (!previous) return false;
    this.held.delete(name);
    if (previous.value !== undefined) this.changed(name);
    return previous.value !== undefined;
  }

  private failure(name: string, error: unknown): Error {
    const failure = toKubernetesError(`write configmap ${name}`, error);
    const where = `ConfigMap ${this.options.namespace}/${name}`;
    if (failure instanceof KubernetesRequestError) {
      return this.writeError(name, {
        kind: 'rejected',
        message: `the Kubernetes API refused to write ${where}: ${failure.details}`,
      });
    }
    return this.writeError(name, {
      kind: 'unavailable',
      message: `could not write ${where}: ${failure.details}; try again`,
      cause: failure,
    });
  }
}
