import {
  type ConfigurationOptions,
  CoreV1Api,
  type KubeConfig,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import {
  callKubernetesApi,
  KubernetesConflictError,
  KubernetesNotFoundError,
  KubernetesRequestError,
  ReflectedCache,
  ResourceReflector,
  toKubernetesError,
  type WatchEventType,
} from '../kubernetes/index.js';
import { decodeConfigMap, encodeConfigMap, labelsForSelector } from './configmap-codec.js';
import { type ConfigStore, type ConfigStoreListener } from './config-store.interface.js';
import { ConfigStoreListeners } from './config-store.listeners.js';
import {
  ConfigNotFoundError,
  ConfigStoreRejectedError,
  ConfigStoreUnavailableError,
} from './fleet.errors.js';
import { type ConfigAssignment, type ConfigFile, type StoredConfig } from './fleet.types.js';

/** Settings of {@link KubernetesConfigStore}. */
export interface KubernetesConfigStoreOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespace of the ConfigMaps (`POD_NAMESPACE`). */
  readonly namespace: string;
  /** Label selector of the ConfigMaps (`CONFIG_LABEL_SELECTOR`). */
  readonly labelSelector: string;
  /** Deadline of one write, ms. Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** First delay before a failed list or watch is retried, ms (doubling up to 30 s). Default 1000. */
  readonly retryDelayMs?: number;
}

interface Entry {
  readonly configMap: V1ConfigMap;
  readonly config: StoredConfig;
  readonly assignments: ConfigAssignment[];
}

const MAX_CONFLICT_RETRIES = 3;
const MAX_RETRY_DELAY_MS = 30_000;

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** What an entry gives agents; a change of it is what listeners hear about. */
const fingerprint = (entry: Entry | undefined): string =>
  entry ? `${entry.config.hash.toString('hex')}|${JSON.stringify(entry.assignments)}` : '';

const isConfigMap = (object: unknown): object is V1ConfigMap =>
  typeof object === 'object' && object !== null && 'metadata' in object;

/**
 * Configs as ConfigMaps selected by a label in one namespace, so they can live in Git: each ConfigMap is a
 * config (its `data`/`binaryData` keys are the files), its assignments are in annotations
 * (`opamp-nest.io/selector: key=value,...` and `opamp-nest.io/assignments: [JSON]`). The ConfigMaps are
 * listed and watched (by the KubernetesModule's {@link ResourceReflector}, started at bootstrap), so edits
 * made with kubectl or a GitOps tool roll out like the API's; the API's own writes create, replace (with
 * optimistic concurrency) and delete ConfigMaps.
 */
export class KubernetesConfigStore extends ReflectedCache implements ConfigStore {
  readonly kind = 'kubernetes';
  protected readonly logger = new Logger(KubernetesConfigStore.name);
  protected readonly reflector: ResourceReflector;
  private readonly api: CoreV1Api;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new ConfigStoreListeners();
  private readonly requestTimeoutMs: number;
  private markSynced!: () => void;
  /** Resolves once the first list of ConfigMaps has been loaded. */
  readonly synced = new Promise<void>((resolve) => {
    this.markSynced = resolve;
  });

  constructor(private readonly options: KubernetesConfigStoreOptions) {
    super(`config ConfigMaps (${options.labelSelector} in ${options.namespace})`);
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

  listConfigs(): StoredConfig[] {
    return [...this.entries.values()].map((entry) => entry.config).sort(byName);
  }

  getConfig(name: string): StoredConfig | undefined {
    return this.entries.get(name)?.config;
  }

  listAssignments(config?: string): ConfigAssignment[] {
    const entries = config === undefined ? [...this.entries.values()] : [this.entries.get(config)];
    return entries
      .flatMap((entry) => (entry ? [...entry.assignments].sort(byName) : []))
      .sort((a, b) => (a.config < b.config ? -1 : a.config > b.config ? 1 : 0));
  }

  async putConfig(
    name: string,
    files: Readonly<Record<string, ConfigFile>>,
  ): Promise<{ config: StoredConfig; created: boolean }> {
    if (Object.hasOwn(files, '')) {
      throw new ConfigStoreRejectedError('a ConfigMap cannot hold a file named ""; give the file a name');
    }
    const created = await this.write(name, true, (current) =>
      encodeConfigMap(current?.configMap, this.target(name), files, current?.assignments ?? []),
    );
    return { config: this.entries.get(name)!.config, created };
  }

  async deleteConfig(name: string): Promise<boolean> {
    try {
      await this.call(`delete configmap ${name}`, (options) =>
        this.api.deleteNamespacedConfigMap({ name, namespace: this.options.namespace }, options),
      );
    } catch (error) {
      if (!(error instanceof KubernetesNotFoundError)) throw this.storeError(name, error);
      return this.forget(name);
    }
    this.forget(name);
    return true;
  }

  async putAssignment(assignment: ConfigAssignment): Promise<{ created: boolean }> {
    let created = false;
    await this.write(assignment.config, false, (current) => {
      if (!current) throw new ConfigNotFoundError(assignment.config);
      created = !current.assignments.some((a) => a.name === assignment.name);
      const assignments = [...current.assignments.filter((a) => a.name !== assignment.name), assignment];
      return encodeConfigMap(
        current.configMap,
        this.target(assignment.config),
        current.config.files,
        assignments,
      );
    });
    return { created };
  }

  async deleteAssignment(config: string, name: string): Promise<boolean> {
    if (!this.entries.get(config)?.assignments.some((a) => a.name === name)) return false;
    let removed = false;
    await this.write(config, false, (current) => {
      if (!current) throw new ConfigNotFoundError(config);
      const assignments = current.assignments.filter((a) => a.name !== name);
      removed = assignments.length < current.assignments.length;
      return encodeConfigMap(current.configMap, this.target(config), current.config.files, assignments);
    });
    return removed;
  }

  onChange(listener: ConfigStoreListener): () => void {
    return this.listeners.add(listener);
  }

  /** A full list replaces what is held: ConfigMaps missing from it are gone. */
  protected replaceAll(objects: readonly unknown[]): void {
    const listed = new Set<string>();
    for (const object of objects) {
      if (!isConfigMap(object) || !object.metadata?.name) continue;
      listed.add(object.metadata.name);
      this.remember(object);
    }
    for (const name of [...this.entries.keys()]) if (!listed.has(name)) this.forget(name);
    this.markSynced();
  }

  protected apply(type: WatchEventType, object: unknown): void {
    if (!isConfigMap(object)) return;
    if (type === 'DELETED') this.forget(object.metadata?.name ?? '');
    else this.remember(object);
  }

  /**
   * Reads the entry, builds the new object and creates or replaces it; on a conflict (someone else wrote
   * in between) re-reads and tries again. Returns whether the ConfigMap was created.
   */
  private async write(
    name: string,
    mayCreate: boolean,
    build: (current: Entry | undefined) => V1ConfigMap,
  ): Promise<boolean> {
    let current = this.entries.get(name);
    for (let attempt = 0; ; attempt++) {
      const body = build(current);
      try {
        const written = current
          ? await this.call(`replace configmap ${name}`, (options) =>
              this.api.replaceNamespacedConfigMap({ name, namespace: this.options.namespace, body }, options),
            )
          : await this.call(`create configmap ${name}`, (options) =>
              this.api.createNamespacedConfigMap({ namespace: this.options.namespace, body }, options),
            );
        this.remember(written);
        return !current;
      } catch (error) {
        const conflict =
          error instanceof KubernetesConflictError || (error instanceof KubernetesNotFoundError && current);
        if (!conflict || attempt >= MAX_CONFLICT_RETRIES) throw this.storeError(name, error);
        current = await this.read(name);
        if (!current && !mayCreate) throw new ConfigNotFoundError(name);
      }
    }
  }

  /** The ConfigMap as the API has it now (also one that lacks the label: a write will add it). */
  private async read(name: string): Promise<Entry | undefined> {
    try {
      const configMap = await this.call(`read configmap ${name}`, (options) =>
        this.api.readNamespacedConfigMap({ name, namespace: this.options.namespace }, options),
      );
      return { configMap, ...decodeConfigMap(configMap) };
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw this.storeError(name, error);
    }
  }

  private call<T>(operation: string, call: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    return callKubernetesApi({ operation, deadlineMs: this.requestTimeoutMs }, call);
  }

  private target(name: string): { name: string; namespace: string; labels: Record<string, string> } {
    const labels = labelsForSelector(this.options.labelSelector);
    if (Object.keys(labels).length === 0) {
      throw new ConfigStoreRejectedError(
        `CONFIG_LABEL_SELECTOR "${this.options.labelSelector}" names no label to give new ConfigMaps; use key=value`,
      );
    }
    return { name, namespace: this.options.namespace, labels };
  }

  /** Takes a ConfigMap into the cache; tells listeners when what agents get changed. */
  private remember(configMap: V1ConfigMap): void {
    const name = configMap.metadata?.name;
    if (!name) return;
    const previous = this.entries.get(name);
    const version = configMap.metadata?.resourceVersion;
    if (previous && version !== undefined && previous.configMap.metadata?.resourceVersion === version) return;
    const decoded = decodeConfigMap(configMap);
    if (decoded.problems.length > 0) {
      this.logger.warn(
        { configMap: name, problems: decoded.problems },
        'parts of a config ConfigMap were ignored',
      );
    }
    const entry: Entry = { configMap, config: decoded.config, assignments: decoded.assignments };
    this.entries.set(name, entry);
    if (fingerprint(previous) !== fingerprint(entry)) this.listeners.emit({ configs: [name] });
  }

  private forget(name: string): boolean {
    if (!this.entries.delete(name)) return false;
    this.listeners.emit({ configs: [name] });
    return true;
  }

  private storeError(name: string, error: unknown): Error {
    if (error instanceof ConfigNotFoundError || error instanceof ConfigStoreRejectedError) return error;
    const failure = toKubernetesError(`write configmap ${name}`, error);
    if (failure instanceof KubernetesRequestError) {
      return new ConfigStoreRejectedError(
        `the Kubernetes API refused to write ConfigMap ${this.options.namespace}/${name}: ${failure.details}`,
      );
    }
    return new ConfigStoreUnavailableError(
      `could not write ConfigMap ${this.options.namespace}/${name}: ${failure.details}; try again`,
      { cause: failure },
    );
  }
}
