import { createHash, type Hash } from 'node:crypto';
import { type PackageSpec } from './packages.types.js';

/** Writes a length-prefixed field, so no two different field lists hash the same bytes. */
function field(hash: Hash, value: string | Uint8Array): void {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  hash.update(length).update(bytes);
}

/**
 * PackageAvailable.hash (spec: "calculated based on all other fields of the PackageAvailable message and
 * content of the file of the package"): SHA-256 over the type, version, download URL, content hash (which
 * stands for the file's content), signature and headers (sorted by name), each length-prefixed.
 */
export function packageHash(spec: PackageSpec): Buffer {
  const hash = createHash('sha256');
  field(hash, 'opamp-nest/package/v1');
  field(hash, spec.type);
  field(hash, spec.version);
  field(hash, spec.downloadUrl);
  field(hash, spec.contentHash);
  field(hash, spec.signature);
  for (const key of Object.keys(spec.headers).sort()) {
    field(hash, key);
    field(hash, spec.headers[key] ?? '');
  }
  return hash.digest();
}

/**
 * PackagesAvailable.all_packages_hash (spec: "an aggregate of all packages names and content"): SHA-256
 * over each offered name and its package hash, in name order — so the order the packages were given in
 * does not matter, and any added, removed, renamed or changed package changes it.
 */
export function allPackagesHash(packages: ReadonlyMap<string, Uint8Array>): Buffer {
  const hash = createHash('sha256');
  field(hash, 'opamp-nest/all-packages/v1');
  for (const name of [...packages.keys()].sort()) {
    field(hash, name);
    field(hash, packages.get(name) ?? Buffer.alloc(0));
  }
  return hash.digest();
}
