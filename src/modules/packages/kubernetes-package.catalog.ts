import { type V1ConfigMap } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import { ListenerSet } from '../../common/listener-set.js';
import {
  type ConfigMapWriteFailure,
  type DecodedObject,
  type LabelledConfigMap,
  LabelledConfigMapStore,
  type LabelledConfigMapStoreOptions,
} from '../kubernetes/index.js';
import { catalogPackage } from './memory-package.catalog.js';
import { type PackageCatalog, type PackageCatalogListener } from './package-catalog.interface.js';
import { decodePackageConfigMap, encodePackageConfigMap } from './package-configmap.codec.js';
import {
  PackageCatalogRejectedError,
  PackageCatalogUnavailableError,
  PackageNotFoundError,
} from './packages.errors.js';
import {
  type CatalogPackage,
  type PackageAssignment,
  type PackageCatalogChange,
  type PackageSpec,
} from './packages.types.js';

/** Settings of {@link KubernetesPackageCatalog}; the label selector is `PACKAGE_LABEL_SELECTOR`. */
export type KubernetesPackageCatalogOptions = LabelledConfigMapStoreOptions;

/** What one ConfigMap holds: a package and its assignments. */
interface PackageEntry {
  readonly package: CatalogPackage;
  readonly assignments: PackageAssignment[];
}

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Packages as ConfigMaps selected by a label in one namespace, like remote configs: each ConfigMap is a
 * package (its `data` keys are the fields of the admin API's package body), its assignments are in the
 * same annotations as a config's. Listed and watched, so every server sharing the namespace offers what
 * any of them (or kubectl, or a GitOps tool) wrote.
 */
export class KubernetesPackageCatalog extends LabelledConfigMapStore<PackageEntry> implements PackageCatalog {
  readonly kind = 'kubernetes';
  protected readonly logger = new Logger(KubernetesPackageCatalog.name);
  private readonly listeners = new ListenerSet<PackageCatalogChange>((error, change) =>
    this.logger.error({ err: error, packages: change.packages }, 'package catalog listener failed'),
  );

  constructor(
    options: KubernetesPackageCatalogOptions,
    private readonly now: () => number = Date.now,
  ) {
    super(options, 'package');
  }

  listPackages(): CatalogPackage[] {
    return this.values()
      .map(({ value }) => value.package)
      .sort(byName);
  }

  getPackage(name: string): CatalogPackage | undefined {
    return this.heldObject(name)?.value?.package;
  }

  async putPackage(name: string, spec: PackageSpec): Promise<{ package: CatalogPackage; created: boolean }> {
    const stored = catalogPackage(name, spec, new Date(this.now()).toISOString());
    const created = await this.write(name, true, (current) =>
      encodePackageConfigMap(
        current?.configMap,
        this.target(name),
        stored,
        current?.value?.assignments ?? [],
      ),
    );
    return { package: this.getPackage(name) ?? stored, created };
  }

  deletePackage(name: string): Promise<boolean> {
    return this.remove(name);
  }

  listAssignments(packageName?: string): PackageAssignment[] {
    const entries =
      packageName === undefined
        ? this.values().map(({ value }) => value)
        : [this.heldObject(packageName)?.value];
    return entries
      .flatMap((entry) => (entry ? [...entry.assignments].sort(byName) : []))
      .sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  }

  async putAssignment(assignment: PackageAssignment): Promise<{ created: boolean }> {
    let created = false;
    await this.write(assignment.package, false, (current) => {
      const entry = this.existing(assignment.package, current);
      created = !entry.assignments.some((a) => a.name === assignment.name);
      const assignments = [...entry.assignments.filter((a) => a.name !== assignment.name), assignment];
      return encodePackageConfigMap(
        current?.configMap,
        this.target(assignment.package),
        entry.package,
        assignments,
      );
    });
    return { created };
  }

  async deleteAssignment(packageName: string, name: string): Promise<boolean> {
    if (!this.heldObject(packageName)?.value?.assignments.some((a) => a.name === name)) return false;
    let removed = false;
    await this.write(packageName, false, (current) => {
      const entry = this.existing(packageName, current);
      const assignments = entry.assignments.filter((a) => a.name !== name);
      removed = assignments.length < entry.assignments.length;
      return encodePackageConfigMap(current?.configMap, this.target(packageName), entry.package, assignments);
    });
    return removed;
  }

  onChange(listener: PackageCatalogListener): () => void {
    return this.listeners.add(listener);
  }

  protected decode(configMap: V1ConfigMap): DecodedObject<PackageEntry> {
    const decoded = decodePackageConfigMap(configMap);
    const value = decoded.package && { package: decoded.package, assignments: decoded.assignments };
    return { value, problems: decoded.problems };
  }

  protected fingerprint({ package: p, assignments }: PackageEntry): string {
    return `${p.hash.toString('hex')}|${p.offeredAs}|${JSON.stringify(assignments)}`;
  }

  protected changed(name: string): void {
    this.listeners.emit({ packages: [name] });
  }

  protected writeError(name: string, failure: ConfigMapWriteFailure): Error {
    if (failure.kind === 'missing') return new PackageNotFoundError(name);
    if (failure.kind === 'rejected') return new PackageCatalogRejectedError(failure.message);
    return new PackageCatalogUnavailableError(failure.message, { cause: failure.cause });
  }

  private existing(name: string, current: LabelledConfigMap<PackageEntry> | undefined): PackageEntry {
    if (!current?.value) throw new PackageNotFoundError(name);
    return current.value;
  }
}
