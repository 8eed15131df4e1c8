import { type KeyValue } from '../../../generated/opamp/v1/anyvalue.js';
import { scalarText } from '../../fleet/index.js';
import { type AgentSession } from '../../session/index.js';

/**
 * The semantic-convention keys naming an agent's workload, by kind (the enrichment module sets one of them;
 * OpenTelemetry semantic conventions for Kubernetes). The first present wins.
 */
const WORKLOAD_KEYS: ReadonlyArray<[kind: string, key: string]> = [
  ['deployment', 'k8s.deployment.name'],
  ['statefulset', 'k8s.statefulset.name'],
  ['daemonset', 'k8s.daemonset.name'],
  ['cronjob', 'k8s.cronjob.name'],
  ['job', 'k8s.job.name'],
  ['rollout', 'k8s.argoproj.rollout.name'],
];

/** Where an agent runs and what it is, for display, sorting and filtering of the agents list. */
export interface AgentPlacement {
  readonly serviceName: string | null;
  readonly node: string | null;
  readonly namespace: string | null;
  readonly workload: string | null;
  readonly workloadKind: string | null;
}

/**
 * The agent's placement from its attributes: the resource attributes the server computed first, then the
 * non-identifying and identifying attributes the agent reported.
 */
export function placementOf(session: AgentSession): AgentPlacement {
  const description = session.status.description;
  const lists: ReadonlyArray<readonly KeyValue[] | undefined> = [
    session.resourceAttributes,
    description?.nonIdentifyingAttributes,
    description?.identifyingAttributes,
  ];
  const found = new Map<string, string>();
  for (const list of lists) {
    for (const { key, value } of list ?? []) {
      if (found.has(key)) continue;
      const text = scalarText(value);
      if (text !== undefined) found.set(key, text);
    }
  }
  const workload = WORKLOAD_KEYS.find(([, key]) => found.has(key));
  return {
    serviceName: found.get('service.name') ?? null,
    node: found.get('k8s.node.name') ?? null,
    namespace: found.get('k8s.namespace.name') ?? null,
    workload: workload ? found.get(workload[1])! : null,
    workloadKind: workload ? workload[0] : null,
  };
}
