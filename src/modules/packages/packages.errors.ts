/** Base of the packages module's errors; the admin API maps each to an HTTP status. */
export class PackagesError extends Error {
  override readonly name: string = 'PackagesError';
}

/** No package of that name in the catalog. */
export class PackageNotFoundError extends PackagesError {
  override readonly name = 'PackageNotFoundError';

  constructor(readonly packageName: string) {
    super(`no package named "${packageName}"; create it first with PUT /api/v1/packages/${packageName}`);
  }
}

/** No assignment of that name for that package. */
export class PackageAssignmentNotFoundError extends PackagesError {
  override readonly name = 'PackageAssignmentNotFoundError';

  constructor(
    readonly packageName: string,
    readonly assignment: string,
  ) {
    super(`package "${packageName}" has no assignment named "${assignment}"`);
  }
}

/** The package catalog's backing store refused a write (for ConfigMaps: the Kubernetes API said no). */
export class PackageCatalogRejectedError extends PackagesError {
  override readonly name = 'PackageCatalogRejectedError';
}

/** The package catalog's backing store could not be reached; the write may be retried. */
export class PackageCatalogUnavailableError extends PackagesError {
  override readonly name = 'PackageCatalogUnavailableError';
}

/** An uploaded package file does not hash to the package's declared content hash. */
export class PackageFileHashMismatchError extends PackagesError {
  override readonly name = 'PackageFileHashMismatchError';

  constructor(
    readonly packageName: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `the uploaded file's SHA-256 is ${actual}, but package "${packageName}" declares contentHash ${expected}; ` +
        'upload the file the package describes, or PUT the package with this contentHash first',
    );
  }
}

/** No uploaded file with that content hash on this server. */
export class PackageFileNotFoundError extends PackagesError {
  override readonly name = 'PackageFileNotFoundError';

  constructor(readonly contentHash: string) {
    super(`no package file with SHA-256 ${contentHash} was uploaded to this server`);
  }
}
