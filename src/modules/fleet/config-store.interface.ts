import {
  type ConfigAssignment,
  type ConfigFile,
  type ConfigStoreChange,
  type StoredConfig,
} from './fleet.types.js';

/** Receives {@link ConfigStoreChange}s. Called synchronously; must not throw. */
export type ConfigStoreListener = (change: ConfigStoreChange) => void;

/**
 * Where remote configs and their assignments live. Reads are synchronous and served from memory (a driver
 * backed by a remote source keeps a watched cache); writes resolve once the source has accepted them, and
 * listeners hear of every change, whoever made it (the API, or someone editing the source directly).
 */
export interface ConfigStore {
  /** Shown by the API and in logs: `memory`, `kubernetes`, ... */
  readonly kind: string;
  /** Every config, sorted by name. */
  listConfigs(): StoredConfig[];
  getConfig(name: string): StoredConfig | undefined;
  /** Creates or replaces a config's files, keeping its assignments. Resolves to the stored config. */
  putConfig(
    name: string,
    files: Readonly<Record<string, ConfigFile>>,
  ): Promise<{ config: StoredConfig; created: boolean }>;
  /** Deletes a config and its assignments; false when there was none. */
  deleteConfig(name: string): Promise<boolean>;
  /** Assignments of one config, or of all configs; sorted by config, then name. */
  listAssignments(config?: string): ConfigAssignment[];
  /**
   * Creates or replaces an assignment.
   * @throws ConfigNotFoundError when its config does not exist.
   */
  putAssignment(assignment: ConfigAssignment): Promise<{ created: boolean }>;
  /** Deletes an assignment; false when there was none. */
  deleteAssignment(config: string, name: string): Promise<boolean>;
  /** Adds a listener; returns the function that removes it. */
  onChange(listener: ConfigStoreListener): () => void;
}
