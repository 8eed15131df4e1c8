import { type AssignmentTarget } from '../fleet/index.js';

/** `top-level` (PackageType_TopLevel: the agent itself) or `addon` (PackageType_Addon). */
export type PackageKind = 'top-level' | 'addon';

/** What an operator declares about a package: everything the agent is offered except the hash. */
export interface PackageSpec {
  /** Key in `packages_available` (the name the agent installs it under); default the catalog name. */
  readonly offeredAs: string;
  readonly type: PackageKind;
  readonly version: string;
  /** Where the agent downloads the file from. */
  readonly downloadUrl: string;
  /** SHA-256 of the file's bytes (DownloadableFile.content_hash). */
  readonly contentHash: Buffer;
  /** Optional detached signature of the file (DownloadableFile.signature); empty when none. */
  readonly signature: Buffer;
  /** HTTP headers the agent sends with the download request. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A package in the catalog: its spec, its name, and the `hash` agents are offered. */
export interface CatalogPackage extends PackageSpec {
  /** Unique catalog name (a Kubernetes object name). */
  readonly name: string;
  /** PackageAvailable.hash: SHA-256 over every field of the spec (`packageHash`). */
  readonly hash: Buffer;
  /** When the package was last written, ISO 8601. */
  readonly updatedAt: string;
}

/** A rule offering a catalog package to agents; named within its package. */
export type PackageAssignment = {
  /** Catalog name of the package. */
  readonly package: string;
  readonly name: string;
} & AssignmentTarget;

/** What changed in a {@link PackageCatalog}: the packages whose spec or assignments changed. */
export interface PackageCatalogChange {
  readonly packages: readonly string[];
}
