import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { type PodMetadata } from './pod-metadata.js';
import { type Workload } from './workload-resolver.js';

/**
 * The semantic-convention key naming a workload of each kind (OpenTelemetry semantic conventions for
 * Kubernetes, 1.24). `DeploymentConfig` (OpenShift) is named as a Deployment; a bare pod is named by
 * `k8s.pod.name` again, so that every placed agent gets one workload key.
 */
const WORKLOAD_NAME_KEYS: ReadonlyMap<string, string> = new Map([
  ['Deployment', 'k8s.deployment.name'],
  ['StatefulSet', 'k8s.statefulset.name'],
  ['DaemonSet', 'k8s.daemonset.name'],
  ['Pod', 'k8s.pod.name'],
  ['Job', 'k8s.job.name'],
  ['CronJob', 'k8s.cronjob.name'],
  ['Rollout', 'k8s.argoproj.rollout.name'],
  ['DeploymentConfig', 'k8s.deployment.name'],
]);

/** The attribute key naming a workload of `kind`, or undefined when the conventions have none for it. */
export function workloadNameKey(kind: string): string | undefined {
  return WORKLOAD_NAME_KEYS.get(kind);
}

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

/** One string attribute. */
export function stringAttribute(key: string, value: string): KeyValue {
  return { key, value: { value: { $case: 'stringValue', value } } };
}

/**
 * The resource attributes of a placed agent, in a fixed order: `k8s.node.name`, `k8s.namespace.name`,
 * `service.name`, `k8s.pod.name`, `k8s.container.name`, then the workload's name under its
 * semantic-convention key ({@link workloadNameKey}), when the kind has one.
 */
export function computeResourceAttributes(input: ResourceAttributesInput): KeyValue[] {
  const { workload } = input;
  const attributes = [
    stringAttribute('k8s.node.name', input.nodeName),
    stringAttribute('k8s.namespace.name', input.pod.namespace),
    stringAttribute('service.name', input.serviceName),
    stringAttribute('k8s.pod.name', input.pod.name),
    stringAttribute('k8s.container.name', input.containerName),
  ];
  const workloadKey = workloadNameKey(workload.kind);
  if (workloadKey !== undefined) attributes.push(stringAttribute(workloadKey, workload.name));
  return attributes;
}
