import { ListenerSet } from '../../common/listener-set.js';
import { Logger } from '@nestjs/common';
import { packageHash } from './package-hash.js';
import { type PackageCatalog, type PackageCatalogListener } from './package-catalog.interface.js';
import { PackageNotFoundError } from './packages.errors.js';
import {
  type CatalogPackage,
  type PackageAssignment,
  type PackageCatalogChange,
  type PackageSpec,
} from './packages.types.js';

interface Entry {
  package: CatalogPackage;
  assignments: Map<string, PackageAssignment>;
}

/** Builds a {@link CatalogPackage}: copies the spec and computes its hash. */
export function catalogPackage(name: string, spec: PackageSpec, updatedAt: string): CatalogPackage {
  const copy: PackageSpec = {
    offeredAs: spec.offeredAs,
    type: spec.type,
    version: spec.version,
    downloadUrl: spec.downloadUrl,
    contentHash: Buffer.from(spec.contentHash),
    signature: Buffer.from(spec.signature),
    headers: { ...spec.headers },
  };
  return { ...copy, name, hash: packageHash(copy), updatedAt };
}

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Keeps packages and assignments in this process only: lost on restart. */
export class MemoryPackageCatalog implements PackageCatalog {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly logger = new Logger('PackageCatalog');
  private readonly listeners = new ListenerSet<PackageCatalogChange>((error, change) =>
    this.logger.error({ err: error, packages: change.packages }, 'package catalog listener failed'),
  );

  constructor(private readonly now: () => number = Date.now) {}

  listPackages(): CatalogPackage[] {
    return [...this.entries.values()].map((entry) => entry.package).sort(byName);
  }

  getPackage(name: string): CatalogPackage | undefined {
    return this.entries.get(name)?.package;
  }

  async putPackage(name: string, spec: PackageSpec): Promise<{ package: CatalogPackage; created: boolean }> {
    const existing = this.entries.get(name);
    const stored = catalogPackage(name, spec, new Date(this.now()).toISOString());
    this.entries.set(name, { package: stored, assignments: existing?.assignments ?? new Map() });
    const changed =
      !existing ||
      !existing.package.hash.equals(stored.hash) ||
      existing.package.offeredAs !== stored.offeredAs;
    if (changed) this.listeners.emit({ packages: [name] });
    return { package: stored, created: !existing };
  }

  async deletePackage(name: string): Promise<boolean> {
    if (!this.entries.delete(name)) return false;
    this.listeners.emit({ packages: [name] });
    return true;
  }

  listAssignments(packageName?: string): PackageAssignment[] {
    const entries = packageName === undefined ? [...this.entries.values()] : [this.entries.get(packageName)];
    return entries
      .flatMap((entry) => (entry ? [...entry.assignments.values()].sort(byName) : []))
      .sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  }

  async putAssignment(assignment: PackageAssignment): Promise<{ created: boolean }> {
    const entry = this.entries.get(assignment.package);
    if (!entry) throw new PackageNotFoundError(assignment.package);
    const created = !entry.assignments.has(assignment.name);
    entry.assignments.set(assignment.name, { ...assignment });
    this.listeners.emit({ packages: [assignment.package] });
    return { created };
  }

  async deleteAssignment(packageName: string, name: string): Promise<boolean> {
    if (!this.entries.get(packageName)?.assignments.delete(name)) return false;
    this.listeners.emit({ packages: [packageName] });
    return true;
  }

  onChange(listener: PackageCatalogListener): () => void {
    return this.listeners.add(listener);
  }
}
