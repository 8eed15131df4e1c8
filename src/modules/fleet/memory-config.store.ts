import { hashConfigMap } from '../protocol/index.js';
import { type ConfigStore, type ConfigStoreListener } from './config-store.interface.js';
import { ConfigStoreListeners } from './config-store.listeners.js';
import { ConfigNotFoundError } from './fleet.errors.js';
import { type ConfigAssignment, type ConfigFile, type StoredConfig } from './fleet.types.js';

interface Entry {
  config: StoredConfig;
  assignments: Map<string, ConfigAssignment>;
}

/** Builds a {@link StoredConfig}: copies the files and computes the hash agents will be sent. */
export function storedConfig(
  name: string,
  files: Readonly<Record<string, ConfigFile>>,
  updatedAt: string,
): StoredConfig {
  const copy: Record<string, ConfigFile> = {};
  for (const [file, { body, contentType }] of Object.entries(files)) {
    copy[file] = { body: Buffer.from(body), contentType };
  }
  return { name, files: copy, hash: hashConfigMap({ configMap: copy }), updatedAt };
}

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Keeps configs and assignments in this process only: lost on restart. The default outside Kubernetes. */
export class MemoryConfigStore implements ConfigStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new ConfigStoreListeners();

  constructor(private readonly now: () => number = Date.now) {}

  listConfigs(): StoredConfig[] {
    return [...this.entries.values()].map((entry) => entry.config).sort(byName);
  }

  getConfig(name: string): StoredConfig | undefined {
    return this.entries.get(name)?.config;
  }

  async putConfig(
    name: string,
    files: Readonly<Record<string, ConfigFile>>,
  ): Promise<{ config: StoredConfig; created: boolean }> {
    const existing = this.entries.get(name);
    const config = storedConfig(name, files, new Date(this.now()).toISOString());
    this.entries.set(name, { config, assignments: existing?.assignments ?? new Map() });
    if (!existing || !existing.config.hash.equals(config.hash)) this.listeners.emit({ configs: [name] });
    return { config, created: !existing };
  }

  async deleteConfig(name: string): Promise<boolean> {
    if (!this.entries.delete(name)) return false;
    this.listeners.emit({ configs: [name] });
    return true;
  }

  listAssignments(config?: string): ConfigAssignment[] {
    const entries = config === undefined ? [...this.entries.values()] : [this.entries.get(config)];
    return entries
      .flatMap((entry) => (entry ? [...entry.assignments.values()].sort(byName) : []))
      .sort((a, b) => (a.config < b.config ? -1 : a.config > b.config ? 1 : 0));
  }

  async putAssignment(assignment: ConfigAssignment): Promise<{ created: boolean }> {
    const entry = this.entries.get(assignment.config);
    if (!entry) throw new ConfigNotFoundError(assignment.config);
    const created = !entry.assignments.has(assignment.name);
    entry.assignments.set(assignment.name, { ...assignment });
    this.listeners.emit({ configs: [assignment.config] });
    return { created };
  }

  async deleteAssignment(config: string, name: string): Promise<boolean> {
    if (!this.entries.get(config)?.assignments.delete(name)) return false;
    this.listeners.emit({ configs: [config] });
    return true;
  }

  onChange(listener: ConfigStoreListener): () => void {
    return this.listeners.add(listener);
  }
}
