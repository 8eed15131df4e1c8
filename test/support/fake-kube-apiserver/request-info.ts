/** Kubernetes API verb of a request, as in RBAC. */
export type KubeVerb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What is known about an incoming request; fault predicates and the request log see this. */
export interface RequestInfo {
  method: string;
  /** URL path without the query string. */
  path: string;
  query: Readonly<Record<string, string>>;
  /** Set for resource requests only. */
  verb?: KubeVerb;
  group?: string;
  version?: string;
  /** Plural resource name, e.g. `pods`. */
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Selects requests, e.g. `(r) => r.resource === 'pods' && r.verb === 'watch'`. */
export type RequestMatcher = (request: RequestInfo) => boolean;
