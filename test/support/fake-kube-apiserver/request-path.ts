import { type ResourceRegistry, type ResourceType } from './resource-registry.js';

/** A URL that addresses a resource collection, an object or an object's subresource. */
export interface ResourceTarget {
  kind: 'resource';
  resource: ResourceType;
  /** Version from the URL (responses carry it in `apiVersion`). */
  version: string;
  /** Namespace from the URL; absent for cluster-scoped resources and all-namespace lists. */
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

/** A discovery document for a group/version (`/api/v1`, `/apis/apps/v1`). */
export interface GroupVersionTarget {
  kind: 'groupVersion';
  group: string;
  version: string;
}

/** Where a request path points. */
export type PathTarget =
  ResourceTarget | GroupVersionTarget | { kind: 'other'; path: string } | { kind: 'unknown' };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function resourceTarget(
  resource: ResourceType | undefined,
  version: string,
  namespace: string | undefined,
  rest: string[],
): PathTarget {
  if (!resource || rest.length > 2) return { kind: 'unknown' };
  if (resource.namespaced !== (namespace !== undefined) && rest.length > 0) return { kind: 'unknown' };
  if (!resource.namespaced && namespace !== undefined) return { kind: 'unknown' };
  const [name, subresource] = rest;
  if (subresource !== undefined && (subresource !== 'status' || !resource.hasStatus))
    return { kind: 'unknown' };
  return {
    kind: 'resource',
    resource,
    version,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource === 'status' ? { subresource } : {}),
  };
}

/**
 * Resolves `/api/v1/...` and `/apis/{group}/{version}/...` paths, including the
 * `namespaces/{ns}/{plural}` form and cluster-wide lists of namespaced resources.
 */
export function parseRequestPath(pathname: string, registry: ResourceRegistry): PathTarget {
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decode);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1] ?? '';
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return { kind: 'other', path: `/${segments.join('/')}` };
  }
  if (version === undefined || !registry.hasGroupVersion(group, version)) return { kind: 'unknown' };
  if (rest.length === 0) return { kind: 'groupVersion', group, version };

  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const namespaced = registry.find(group, version, rest[2] ?? '');
    if (namespaced?.namespaced) return resourceTarget(namespaced, version, rest[1], rest.slice(3));
  }
  return resourceTarget(registry.find(group, version, rest[0] ?? ''), version, undefined, rest.slice(1));
}
