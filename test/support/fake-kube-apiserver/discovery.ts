import { apiVersionOf } from './kube-object.js';
import { type ResourceRegistry } from './resource-registry.js';

/** A canned answer for a non-resource path. */
export interface DiscoveryResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Version reported by `/version`. */
export const FAKE_SERVER_VERSION = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-01-01T00:00:00Z',
  goVersion: 'go1.22.0',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

const OBJECT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

function json(body: unknown): DiscoveryResponse {
  return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}

/** `APIResourceList` for `/api/v1` or `/apis/{group}/{version}`. */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): DiscoveryResponse {
  const resources = registry
    .all()
    .filter((r) => r.group === group && r.version === version)
    .flatMap((r) => [
      {
        name: r.plural,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: OBJECT_VERBS,
      },
      ...(r.hasStatus
        ? [
            {
              name: `${r.plural}/status`,
              singularName: '',
              namespaced: r.namespaced,
              kind: r.kind,
              verbs: STATUS_VERBS,
            },
          ]
        : []),
    ]);
  return json({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources,
  });
}

/** `/version`, `/healthz`, `/livez`, `/readyz`, `/api` and `/apis`; `undefined` for other paths. */
export function nonResourceResponse(registry: ResourceRegistry, path: string): DiscoveryResponse | undefined {
  switch (path) {
    case '/version':
      return json(FAKE_SERVER_VERSION);
    case '/healthz':
    case '/livez':
    case '/readyz':
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
    case '/api':
      return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    case '/apis': {
      const groups = new Map<string, string[]>();
      for (const r of registry.all()) {
        if (r.group === '') continue;
        const versions = groups.get(r.group) ?? [];
        if (!versions.includes(r.version)) versions.push(r.version);
        groups.set(r.group, versions);
      }
      return json({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups.entries()].map(([name, versions]) => ({
          name,
          versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${name}/${versions[0] ?? ''}`, version: versions[0] ?? '' },
        })),
      });
    }
    default:
      return undefined;
  }
}
