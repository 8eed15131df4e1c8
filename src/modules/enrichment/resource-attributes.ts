import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { type PodMetadata } from './pod-metadata.js';
import { type Workload } from './workload-resolver.js';

/** Attribute naming the kind of a workload that has no semantic-convention key (Odigos's webhook uses it too). */
export const ODIGOS_WORKLOAD_KIND_ATTRIBUTE = 'odigos.workload.kind';

/** Attribute naming a workload that has no semantic-convention key. */
export const ODIGOS_WORKLOAD_NAME_ATTRIBUTE = 'odigos.workload.name';

/**
 * The workload-name key per kind: the §2.2 table of `reference/odigos.md` (Odigos's `CalculateServerAttributes`,
 * semconv 1.24), with `DeploymentConfig` taken from Odigos's pod webhook (`otelresource.go`).
 */
const WORKLOAD_NAME_KEYS: ReadonlyMap<string, string> = new Map([
  ['Deployment', 'k8s.deployment.name'],
  ['StatefulSet', 'k8s.statefulset.name'],
  ['DaemonSet', 'k8s.daemonset.name'],
  // Odigos adds k8s.pod.name a second time for a bare pod; kept so agents see the same list.
  ['Pod', 'k8s.pod.name'],
  ['Job', 'k8s.job.name'],
  ['CronJob', 'k8s.cronjob.name'],
  ['Rollout', 'k8s.argoproj.rollout.name'],
  ['DeploymentConfig', 'k8s.deployment.name'],
]);

/** Kinds whose attributes are exactly Odigos's list: five common keys and one workload key. */
const ODIGOS_SERVER_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Pod',
  'Job',
  'CronJob',
  'Rollout',
]);

/** Inputs of {@link computeResourceAttributes}. */
export interface ResourceAttributesInput {
  /** Value of `k8s.node.name`. */
  readonly nodeName: string;
  /** The agent's pod (its name and namespace are used). */
  readonly pod: Pick<PodMetadata, 'name' | 'namespace'>;
  /** The agent's container. */
  readonly containerName: string;
  readonly workload: Pick<Workload, 'kind' | 'name'>;
  /** Value of `service.name`. */
  readonly serviceName: string;
}

/**
 * The resource attributes the server gives an agent, in a fixed order: `k8s.node.name`,
 * `k8s.namespace.name`, `service.name`, `k8s.pod.name`, `k8s.container.name`, then the workload:
 * - Deployment, StatefulSet, DaemonSet, Pod, Job, CronJob, Rollout: one key, exactly as Odigos's server
 * - DeploymentConfig: `k8s.deployment.name`, then `odigos.workload.kind` and `odigos.workload.name`
 *   (as Odigos's webhook, so it stays distinguishable from a Deployment)
 * - any other kind (StaticPod, ReplicaSet, unknown owners): `odigos.workload.kind` and `odigos.workload.name`,
 *   where Odigos's server would fail the agent's first message
 */
export function computeResourceAttributes(input: ResourceAttributesInput): KeyValue[] {
  const { workload } = input;
  const pairs: [string, string][] = [
    ['k8s.node.name', input.nodeName],
    ['k8s.namespace.name', input.pod.namespace],
    ['service.name', input.serviceName],
    ['k8s.pod.name', input.pod.name],
    ['k8s.container.name', input.containerName],
  ];
  const workloadKey = WORKLOAD_NAME_KEYS.get(workload.kind);
  if (workloadKey !== undefined) pairs.push([workloadKey, workload.name]);
  if (!ODIGOS_SERVER_KINDS.has(workload.kind)) {
    pairs.push(
      [ODIGOS_WORKLOAD_KIND_ATTRIBUTE, workload.kind],
      [ODIGOS_WORKLOAD_NAME_ATTRIBUTE, workload.name],
    );
  }
  return pairs.map(([key, value]) => ({ key, value: { value: { $case: 'stringValue', value } } }));
}
