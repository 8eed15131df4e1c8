import { PackageType, type PackagesAvailable } from '../../generated/opamp/v1/opamp.js';
import { allPackagesHash } from './package-hash.js';
import { type ResolvedPackage } from './package-resolver.js';

/** PackagesAvailable for what an agent resolved to; `all_packages_hash` covers exactly these packages. */
export function buildPackagesAvailable(resolved: ReadonlyMap<string, ResolvedPackage>): PackagesAvailable {
  const packages: PackagesAvailable['packages'] = {};
  const hashes = new Map<string, Buffer>();
  for (const [offeredAs, { package: p }] of resolved) {
    hashes.set(offeredAs, p.hash);
    const headers = Object.entries(p.headers).map(([key, value]) => ({ key, value }));
    packages[offeredAs] = {
      type: p.type === 'addon' ? PackageType.PackageType_Addon : PackageType.PackageType_TopLevel,
      version: p.version,
      file: {
        downloadUrl: p.downloadUrl,
        contentHash: p.contentHash,
        signature: p.signature,
        headers: headers.length > 0 ? { headers } : undefined,
      },
      hash: p.hash,
    };
  }
  return { packages, allPackagesHash: allPackagesHash(hashes) };
}
