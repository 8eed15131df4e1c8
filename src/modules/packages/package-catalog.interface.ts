import {
  type CatalogPackage,
  type PackageAssignment,
  type PackageCatalogChange,
  type PackageSpec,
} from './packages.types.js';

/** Receives {@link PackageCatalogChange}s; called synchronously, must not throw. */
export type PackageCatalogListener = (change: PackageCatalogChange) => void;

/**
 * Where packages and their assignments live. Reads are synchronous (from memory); writes resolve once
 * stored, and listeners hear of every change.
 */
export interface PackageCatalog {
  /** `memory`, ... */
  readonly kind: string;
  /** Every package, sorted by name. */
  listPackages(): CatalogPackage[];
  getPackage(name: string): CatalogPackage | undefined;
  /** Creates or replaces a package's spec, keeping its assignments. */
  putPackage(name: string, spec: PackageSpec): Promise<{ package: CatalogPackage; created: boolean }>;
  /** Deletes a package and its assignments; false when there was none. */
  deletePackage(name: string): Promise<boolean>;
  /** Assignments of one package, or of all; sorted by package, then name. */
  listAssignments(packageName?: string): PackageAssignment[];
  /**
   * Creates or replaces an assignment.
   * @throws PackageNotFoundError when its package does not exist.
   */
  putAssignment(assignment: PackageAssignment): Promise<{ created: boolean }>;
  /** Deletes an assignment; false when there was none. */
  deleteAssignment(packageName: string, name: string): Promise<boolean>;
  /** Adds a listener; returns the function that removes it. */
  onChange(listener: PackageCatalogListener): () => void;
}
