import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import {
  INSTRUMENTATION_CONFIG_RESOURCE,
  type InstrumentationConfig,
  toInstrumentationConfig,
} from './instrumentation-config.js';
import {
  ListenerSet,
  ReflectedCache,
  ResourceReflector,
  type ReflectorTiming,
  type WatchEventType,
} from '../../../index.js';

/**
 * Called with the namespace and name of an InstrumentationConfig that was created, deleted or whose spec
 * changed, and its new value (undefined once deleted).
 */
export type InstrumentationConfigListener = (
  namespace: string,
  name: string,
  config: InstrumentationConfig | undefined,
) => void;

interface InstrumentationConfigChange {
  readonly namespace: string;
  readonly name: string;
  readonly config: InstrumentationConfig | undefined;
}

/** Options of {@link InstrumentationConfigCache}: the list/watch timing of its {@link ResourceReflector}. */
export type InstrumentationConfigCacheOptions = ReflectorTiming;

const { group, version, plural } = INSTRUMENTATION_CONFIG_RESOURCE;

/**
 * Every `odigos.io/v1alpha1` InstrumentationConfig of the cluster, kept in memory (minimal fields) by a
 * list + watch, so reading one never waits on the API server. Listeners hear of creations, deletions and
 * spec changes; updates that leave `metadata.generation` alone (status, labels) are stored silently, as
 * Odigos's `GenerationChangedPredicate` does. Without a KubeConfig the cache is inert: empty and ready.
 */
export class InstrumentationConfigCache extends ReflectedCache {
  protected readonly logger = new Logger(InstrumentationConfigCache.name);
  protected readonly reflector: ResourceReflector | undefined;
  private readonly configs = new Map<string, InstrumentationConfig>();
  private readonly listeners = new ListenerSet<InstrumentationConfigChange>((error, change) =>
    this.logger.error(
      {
        namespace: change.namespace,
        name: change.name,
        err: error instanceof Error ? error.message : String(error),
      },
      'an InstrumentationConfig listener failed',
    ),
  );
  private readonly readyWaiters = new Set<() => void>();
  private synced = false;
  private inertLogged = false;

  /** @param kubeConfig the cluster to watch; `undefined` makes the cache inert. */
  constructor(kubeConfig: KubeConfig | undefined, options: InstrumentationConfigCacheOptions = {}) {
    super('InstrumentationConfigs');
    if (!kubeConfig) return;
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.reflector = new ResourceReflector({
      ...options,
      kubeConfig,
      resource: `${plural}.${group}`,
      path: `/apis/${group}/${version}/${plural}`,
      list: (requestOptions) => custom.listClusterCustomObject({ group, version, plural }, requestOptions),
      handler: this.reflectorHandler(),
    });
  }

  /** Whether the first list has arrived (always true when inert). Until then {@link get} may miss. */
  get ready(): boolean {
    return this.synced || !this.reflector;
  }

  /** Number of InstrumentationConfigs held. */
  get size(): number {
    return this.configs.size;
  }

  /** Every InstrumentationConfig held, in no particular order. */
  list(): InstrumentationConfig[] {
    return [...this.configs.values()];
  }

  /** The InstrumentationConfig `name` (`<kind-lowercase>-<workloadName>`) in `namespace`, if it exists. */
  get(namespace: string, name: string): InstrumentationConfig | undefined {
    return this.configs.get(`${namespace}/${name}`);
  }

  /** Resolves true once {@link ready}, or false after `timeoutMs` (never rejects). */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve(this.ready);
      };
      const timer = setTimeout(done, timeoutMs);
      this.readyWaiters.add(done);
    });
  }

  /** Calls `listener` on every creation, deletion and spec change; returns a function that unsubscribes. */
  onChange(listener: InstrumentationConfigListener): () => void {
    return this.listeners.add((change) => listener(change.namespace, change.name, change.config));
  }

  /** Starts the list + watch in the background (or logs once that there is no cluster). */
  override start(): void {
    if (this.reflector) {
      super.start();
    } else if (!this.inertLogged) {
      this.inertLogged = true;
      this.logger.log(
        { resource: `${plural}.${group}` },
        'no Kubernetes configuration; InstrumentationConfigs are not watched',
      );
    }
  }

  /** A full list replaces what is held. */
  protected replaceAll(objects: readonly unknown[]): void {
    const listed = new Map<string, InstrumentationConfig>();
    for (const object of objects) {
      const config = this.parse(object);
      if (config) listed.set(`${config.namespace}/${config.name}`, config);
    }
    for (const [key, known] of this.configs) {
      if (!listed.has(key)) this.remove(known);
    }
    for (const config of listed.values()) this.store(config);
    if (!this.synced) {
      this.synced = true;
      this.logger.log({ count: this.configs.size }, 'InstrumentationConfigs listed');
      for (const wake of [...this.readyWaiters]) wake();
    }
  }

  protected apply(type: WatchEventType, object: unknown): void {
    const config = this.parse(object);
    if (!config) return;
    if (type === 'DELETED') this.remove(config);
    else this.store(config);
  }

  private parse(object: unknown): InstrumentationConfig | undefined {
    const config = toInstrumentationConfig(object);
    if (!config)
      this.logger.warn({ resource: `${plural}.${group}` }, 'ignored an object without name or namespace');
    return config;
  }

  private store(config: InstrumentationConfig): void {
    const key = `${config.namespace}/${config.name}`;
    const known = this.configs.get(key);
    this.configs.set(key, config);
    if (!known || known.generation !== config.generation) this.notify(config.namespace, config.name, config);
  }

  private remove(config: Pick<InstrumentationConfig, 'namespace' | 'name'>): void {
    if (this.configs.delete(`${config.namespace}/${config.name}`)) {
      this.notify(config.namespace, config.name, undefined);
    }
  }

  private notify(namespace: string, name: string, config: InstrumentationConfig | undefined): void {
    this.listeners.emit({ namespace, name, config });
  }
}
