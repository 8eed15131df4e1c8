import { type V1Pod } from '@kubernetes/client-node';

/** Label the Deployment controller puts on its pods: the hash suffix of their ReplicaSet's name. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Label Argo Rollouts puts on its pods (`DefaultRolloutUniqueLabelKey`): marks a ReplicaSet owned by a Rollout. */
export const ROLLOUTS_POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

/** The only pod labels kept in {@link PodMetadata}: those workload resolution reads. */
export const WORKLOAD_LABELS: readonly string[] = [POD_TEMPLATE_HASH_LABEL, ROLLOUTS_POD_TEMPLATE_HASH_LABEL];

/** One entry of a pod's `metadata.ownerReferences`, reduced to what workload resolution and records need. */
export interface PodOwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  /** Whether this owner is the managing controller; false when unset. */
  readonly controller: boolean;
}

/**
 * What the server keeps of a Pod: a few hundred bytes instead of the whole object (a whole cached
 * pod can cost a megabyte).
 */
export interface PodMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  /** `spec.nodeName`; absent while the pod is unscheduled. */
  readonly nodeName?: string;
  /** Only the labels in {@link WORKLOAD_LABELS} that the pod has. */
  readonly labels: Readonly<Record<string, string>>;
  /** In the pod's order (the last one decides the workload). */
  readonly ownerReferences: readonly PodOwnerReference[];
  /** Names of `spec.containers`, in order (init and ephemeral containers are left out). */
  readonly containerNames: readonly string[];
}

/** Reduces a Pod read from the API to {@link PodMetadata}. */
export function toPodMetadata(pod: V1Pod): PodMetadata {
  const metadata = pod.metadata ?? {};
  const labels: Record<string, string> = {};
  for (const key of WORKLOAD_LABELS) {
    const value = metadata.labels?.[key];
    if (value !== undefined) labels[key] = value;
  }
  const nodeName = pod.spec?.nodeName;
  return {
    name: metadata.name ?? '',
    namespace: metadata.namespace ?? '',
    uid: metadata.uid ?? '',
    ...(nodeName ? { nodeName } : {}),
    labels,
    ownerReferences: (metadata.ownerReferences ?? []).map((owner) => ({
      kind: owner.kind,
      name: owner.name,
      uid: owner.uid,
      controller: owner.controller === true,
    })),
    containerNames: (pod.spec?.containers ?? []).map((container) => container.name),
  };
}
