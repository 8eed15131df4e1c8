import { type V1ConfigMap } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import {
  type ConfigMapWriteFailure,
  type DecodedObject,
  type LabelledConfigMap,
  LabelledConfigMapStore,
  type LabelledConfigMapStoreOptions,
} from '../kubernetes/index.js';
import { decodeConfigMap, encodeConfigMap } from './configmap-codec.js';
import { type ConfigStore, type ConfigStoreListener } from './config-store.interface.js';
import { ConfigStoreListeners } from './config-store.listeners.js';
import {
  ConfigNotFoundError,
  ConfigStoreRejectedError,
  ConfigStoreUnavailableError,
} from './fleet.errors.js';
import { type ConfigAssignment, type ConfigFile, type StoredConfig } from './fleet.types.js';

/** Settings of {@link KubernetesConfigStore}; the label selector is `CONFIG_LABEL_SELECTOR`. */
export type KubernetesConfigStoreOptions = LabelledConfigMapStoreOptions;

/** What one ConfigMap holds: a config and its assignments. */
interface ConfigEntry {
  readonly config: StoredConfig;
  readonly assignments: ConfigAssignment[];
}

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Configs as ConfigMaps selected by a label in one namespace, so they can live in Git: each ConfigMap is a
 * config (its `data`/`binaryData` keys are the files), its assignments are in annotations
 * (`opamp-nest.io/selector: key=value,...` and `opamp-nest.io/assignments: [JSON]`). The ConfigMaps are
 * listed and watched ({@link LabelledConfigMapStore}, started at bootstrap), so edits made with kubectl or
 * a GitOps tool roll out like the API's; the API's own writes create, replace (with optimistic
 * concurrency) and delete ConfigMaps.
 */
export class KubernetesConfigStore extends LabelledConfigMapStore<ConfigEntry> implements ConfigStore {
  readonly kind = 'kubernetes';
  protected readonly logger = new Logger(KubernetesConfigStore.name);
  private readonly listeners = new ConfigStoreListeners();

  constructor(options: KubernetesConfigStoreOptions) {
    super(options, 'config');
  }

  listConfigs(): StoredConfig[] {
    return this.values()
      .map(({ value }) => value.config)
      .sort(byName);
  }

  getConfig(name: string): StoredConfig | undefined {
    return this.heldObject(name)?.value?.config;
  }

  listAssignments(config?: string): ConfigAssignment[] {
    const entries =
      config === undefined ? this.values().map(({ value }) => value) : [this.heldObject(config)?.value];
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
      encodeConfigMap(current?.configMap, this.target(name), files, current?.value?.assignments ?? []),
    );
    return { config: this.getConfig(name)!, created };
  }

  deleteConfig(name: string): Promise<boolean> {
    return this.remove(name);
  }

  async putAssignment(assignment: ConfigAssignment): Promise<{ created: boolean }> {
    let created = false;
    await this.write(assignment.config, false, (current) => {
      const entry = this.existing(assignment.config, current);
      created = !entry.assignments.some((a) => a.name === assignment.name);
      const assignments = [...entry.assignments.filter((a) => a.name !== assignment.name), assignment];
      return encodeConfigMap(
        current?.configMap,
        this.target(assignment.config),
        entry.config.files,
        assignments,
      );
    });
    return { created };
  }

  async deleteAssignment(config: string, name: string): Promise<boolean> {
    if (!this.heldObject(config)?.value?.assignments.some((a) => a.name === name)) return false;
    let removed = false;
    await this.write(config, false, (current) => {
      const entry = this.existing(config, current);
      const assignments = entry.assignments.filter((a) => a.name !== name);
      removed = assignments.length < entry.assignments.length;
      return encodeConfigMap(current?.configMap, this.target(config), entry.config.files, assignments);
    });
    return removed;
  }

  onChange(listener: ConfigStoreListener): () => void {
    return this.listeners.add(listener);
  }

  protected decode(configMap: V1ConfigMap): DecodedObject<ConfigEntry> {
    const { config, assignments, problems } = decodeConfigMap(configMap);
    return { value: { config, assignments }, problems };
  }

  protected fingerprint({ config, assignments }: ConfigEntry): string {
    return `${config.hash.toString('hex')}|${JSON.stringify(assignments)}`;
  }

  protected changed(name: string): void {
    this.listeners.emit({ configs: [name] });
  }

  protected writeError(name: string, failure: ConfigMapWriteFailure): Error {
    if (failure.kind === 'missing') return new ConfigNotFoundError(name);
    if (failure.kind === 'rejected') return new ConfigStoreRejectedError(failure.message);
    return new ConfigStoreUnavailableError(failure.message, { cause: failure.cause });
  }

  private existing(name: string, current: LabelledConfigMap<ConfigEntry> | undefined): ConfigEntry {
    if (!current?.value) throw new ConfigNotFoundError(name);
    return current.value;
  }
}
