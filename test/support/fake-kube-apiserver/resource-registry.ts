import { apiVersionOf } from './kube-object.js';

/** A resource type the fake server serves. */
export interface ResourceType {
  /** API group; `''` for the core group. */
  group: string;
  version: string;
  /** Lower-case plural used in URLs, e.g. `pods`. */
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Whether `.../{name}/status` exists; if so, writes to the main resource keep the stored status. */
  hasStatus: boolean;
  /**
   * Custom resources refuse a PUT without `metadata.resourceVersion` (422), as the real
   * apiextensions server does; built-in resources allow unconditional updates.
   */
  custom?: boolean;
  /** Field selectors accepted besides `metadata.name` and `metadata.namespace`. */
  fieldSelectors?: readonly string[];
}

const POD_FIELDS = [
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
] as const;

function core(plural: string, kind: string, namespaced: boolean, hasStatus: boolean): ResourceType {
  return { group: '', version: 'v1', plural, kind, namespaced, hasStatus };
}

function namespacedWithStatus(group: string, version: string, plural: string, kind: string): ResourceType {
  return { group, version, plural, kind, namespaced: true, hasStatus: true };
}

function customResource(group: string, version: string, plural: string, kind: string): ResourceType {
  return { ...namespacedWithStatus(group, version, plural, kind), custom: true };
}

/** Resources served out of the box. */
export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  { ...core('pods', 'Pod', true, true), fieldSelectors: POD_FIELDS },
  { ...core('namespaces', 'Namespace', false, true), fieldSelectors: ['status.phase'] },
  { ...core('nodes', 'Node', false, true), fieldSelectors: ['spec.unschedulable'] },
  core('services', 'Service', true, true),
  core('replicationcontrollers', 'ReplicationController', true, true),
  core('configmaps', 'ConfigMap', true, false),
  { ...core('secrets', 'Secret', true, false), fieldSelectors: ['type'] },
  core('serviceaccounts', 'ServiceAccount', true, false),
  core('endpoints', 'Endpoints', true, false),
  core('events', 'Event', true, false),
  namespacedWithStatus('apps', 'v1', 'deployments', 'Deployment'),
  namespacedWithStatus('apps', 'v1', 'replicasets', 'ReplicaSet'),
  namespacedWithStatus('apps', 'v1', 'statefulsets', 'StatefulSet'),
  namespacedWithStatus('apps', 'v1', 'daemonsets', 'DaemonSet'),
  namespacedWithStatus('batch', 'v1', 'jobs', 'Job'),
  namespacedWithStatus('batch', 'v1', 'cronjobs', 'CronJob'),
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    kind: 'Lease',
    namespaced: true,
    hasStatus: false,
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
    hasStatus: false,
  },
  customResource('odigos.io', 'v1alpha1', 'instrumentationinstances', 'InstrumentationInstance'),
  customResource('odigos.io', 'v1alpha1', 'instrumentationconfigs', 'InstrumentationConfig'),
  customResource('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout'),
];

/** Thrown when a resource type cannot be resolved from an `apiVersion`/`kind` pair. */
export class UnknownResourceError extends Error {
  override readonly name = 'UnknownResourceError';
}

/** Lookup table of served resource types, keyed by group, version and plural. */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();

  constructor(resources: readonly ResourceType[] = BUILTIN_RESOURCES) {
    for (const resource of resources) this.register(resource);
  }

  /** Adds (or replaces) a resource type. */
  register(resource: ResourceType): void {
    this.byPath.set(`${resource.group}/${resource.version}/${resource.plural}`, { ...resource });
  }

  /** The resource served at `/apis/{group}/{version}/{plural}`, if any. */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The resource for an object's `apiVersion` and `kind`. */
  findByKind(apiVersion: string, kind: string): ResourceType {
    for (const resource of this.byPath.values()) {
      if (apiVersionOf(resource.group, resource.version) === apiVersion && resource.kind === kind) {
        return resource;
      }
    }
    throw new UnknownResourceError(`no resource registered for ${apiVersion} ${kind}`);
  }

  /** Whether any resource is served under this group and version. */
  hasGroupVersion(group: string, version: string): boolean {
    return this.all().some((r) => r.group === group && r.version === version);
  }

  /** Every registered resource. */
  all(): ResourceType[] {
    return [...this.byPath.values()];
  }
}

/** Key shared by all versions of a resource: objects are stored once per group and plural. */
export function storageKey(resource: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${resource.group}/${resource.plural}`;
}
