import { type V1ConfigMap } from '@kubernetes/client-node';
import {
  decodeAssignmentAnnotations,
  encodeAssignmentAnnotations,
  readJsonAnnotation,
} from '../fleet/index.js';
import { lastWritten } from '../kubernetes/index.js';
import { catalogPackage } from './memory-package.catalog.js';
import { storedPackageSchema } from './packages.schemas.js';
import { type CatalogPackage, type PackageAssignment } from './packages.types.js';

/** A package and its assignments as read from one ConfigMap; `package` undefined when it is unusable. */
export interface DecodedPackageConfigMap {
  readonly package: CatalogPackage | undefined;
  readonly assignments: PackageAssignment[];
  readonly problems: string[];
}

/** The `data` keys of a package ConfigMap; `headers` holds a JSON object. */
const HEADERS_KEY = 'headers';

/**
 * Reads a package from a ConfigMap whose `data` has the keys of the admin API's package body (`version`,
 * `downloadUrl`, `contentHash`, optional `type`, `signature`, `offeredAs`, and `headers` as JSON); its
 * assignments are in the same annotations as a config's. A ConfigMap missing a field or holding a bad
 * one decodes to no package, with the reasons in `problems`.
 */
export function decodePackageConfigMap(configMap: V1ConfigMap): DecodedPackageConfigMap {
  const name = configMap.metadata?.name ?? '';
  const problems: string[] = [];
  const { [HEADERS_KEY]: headersJson, ...fields } = configMap.data ?? {};
  const parsed = storedPackageSchema.safeParse({
    ...fields,
    ...(headersJson === undefined ? {} : { headers: readJsonAnnotation(headersJson) }),
  });
  const assignments = decodeAssignmentAnnotations(configMap.metadata?.annotations ?? {}, problems).map(
    (assignment) => ({ package: name, ...assignment }),
  );
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join('.') || 'data'}: ${issue.message}`);
    return { package: undefined, assignments: [], problems };
  }
  const spec = parsed.data;
  const pkg = catalogPackage(
    name,
    {
      offeredAs: spec.offeredAs ?? name,
      type: spec.type,
      version: spec.version,
      downloadUrl: spec.downloadUrl,
      contentHash: Buffer.from(spec.contentHash, 'hex'),
      signature: Buffer.from(spec.signature ?? '', 'base64'),
      headers: spec.headers,
    },
    lastWritten(configMap),
  );
  return { package: pkg, assignments, problems };
}

/**
 * Writes a package and its assignments into a ConfigMap, keeping the other metadata of `base` (the
 * current object) or starting a new one with `target`'s labels.
 */
export function encodePackageConfigMap(
  base: V1ConfigMap | undefined,
  target: { name: string; namespace: string; labels: Record<string, string> },
  pkg: CatalogPackage,
  assignments: readonly PackageAssignment[],
): V1ConfigMap {
  const data: Record<string, string> = {
    type: pkg.type,
    version: pkg.version,
    downloadUrl: pkg.downloadUrl,
    contentHash: pkg.contentHash.toString('hex'),
  };
  if (pkg.offeredAs !== pkg.name) data.offeredAs = pkg.offeredAs;
  if (pkg.signature.length > 0) data.signature = pkg.signature.toString('base64');
  if (Object.keys(pkg.headers).length > 0) data[HEADERS_KEY] = JSON.stringify(pkg.headers);
  const annotations = encodeAssignmentAnnotations(
    base?.metadata?.annotations,
    assignments.map(({ package: _package, ...stored }) => stored),
  );
  return {
    ...base,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...base?.metadata,
      name: target.name,
      namespace: target.namespace,
      labels: { ...base?.metadata?.labels, ...target.labels },
      annotations,
    },
    data,
    binaryData: {},
  };
}
