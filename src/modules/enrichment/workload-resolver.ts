import {
  type PodMetadata,
  type PodOwnerReference,
  POD_TEMPLATE_HASH_LABEL,
  ROLLOUTS_POD_TEMPLATE_HASH_LABEL,
} from './pod-metadata.js';

/**
 * Workload kinds the resolver produces from well-known owners (the controllers of Kubernetes, Argo Rollouts and OpenShift,
 * plus `Job` and `Pod`). Any other owner kind is passed through as-is.
 */
export type KnownWorkloadKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'Rollout'
  | 'DeploymentConfig'
  | 'StaticPod'
  | 'Pod';

/** The object that manages a pod: its controller, followed up the owner chain to the top-level workload. */
export interface Workload {
  /** A {@link KnownWorkloadKind}, or an unusual owner's kind as-is. */
  readonly kind: KnownWorkloadKind | (string & {});
  readonly name: string;
  readonly namespace: string;
}

/**
 * The workload of a pod, from its owner references alone (no API reads, so no extra RBAC). Each owner
 * reference is mapped and the last one wins:
 * - ReplicaSet → Deployment, or Argo `Rollout` when the pod has the `rollouts-pod-template-hash` label; the
 *   name loses the pod-template hash (taken from the pod's label when it is the name's suffix, else the last
 *   `-segment`)
 * - Job → CronJob when its name ends in `-<digits>` (the CronJob controller names jobs
 *   `<cronjob>-<scheduled minute>`), without that suffix; otherwise Job
 * - ReplicationController → DeploymentConfig when its name ends in `-<digits>` (OpenShift's `<dc>-<version>`),
 *   without that suffix; otherwise ReplicationController
 * - Node → `StaticPod` named after the pod
 * - StatefulSet, DaemonSet and any other kind → that kind and name as-is (never an error)
 * - no owner → `Pod` named after the pod
 */
export function resolveWorkload(pod: PodMetadata): Workload {
  let resolved: Pick<Workload, 'kind' | 'name'> = { kind: 'Pod', name: pod.name };
  for (const owner of pod.ownerReferences) resolved = fromOwner(owner, pod);
  return { ...resolved, namespace: pod.namespace };
}

function fromOwner(owner: PodOwnerReference, pod: PodMetadata): Pick<Workload, 'kind' | 'name'> {
  switch (owner.kind) {
    case 'ReplicaSet':
      return fromReplicaSet(owner.name, pod);
    case 'Job': {
      const cronJob = withoutNumericSuffix(owner.name);
      return cronJob === undefined ? { kind: 'Job', name: owner.name } : { kind: 'CronJob', name: cronJob };
    }
    case 'ReplicationController': {
      const deploymentConfig = withoutNumericSuffix(owner.name);
      return deploymentConfig === undefined
        ? { kind: 'ReplicationController', name: owner.name }
        : { kind: 'DeploymentConfig', name: deploymentConfig };
    }
    case 'Node':
      return { kind: 'StaticPod', name: pod.name };
    default:
      return { kind: owner.kind, name: owner.name };
  }
}

function fromReplicaSet(replicaSetName: string, pod: PodMetadata): Pick<Workload, 'kind' | 'name'> {
  const rolloutHash = pod.labels[ROLLOUTS_POD_TEMPLATE_HASH_LABEL];
  const kind = rolloutHash === undefined ? 'Deployment' : 'Rollout';
  const hash = rolloutHash ?? pod.labels[POD_TEMPLATE_HASH_LABEL];
  if (hash && replicaSetName.endsWith(`-${hash}`) && replicaSetName.length > hash.length + 1) {
    return { kind, name: replicaSetName.slice(0, -(hash.length + 1)) };
  }
  const hyphen = replicaSetName.lastIndexOf('-');
  // A name without a hyphen was not made by a Deployment: the ReplicaSet itself is the workload.
  if (hyphen <= 0) return { kind: 'ReplicaSet', name: replicaSetName };
  return { kind, name: replicaSetName.slice(0, hyphen) };
}

/** `name` without a trailing `-<digits>`, or undefined when it has none. */
function withoutNumericSuffix(name: string): string | undefined {
  const match = /^(.+)-\d+$/.exec(name);
  return match?.[1];
}
