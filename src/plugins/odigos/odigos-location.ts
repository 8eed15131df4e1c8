import { type EnrichedLocation } from '../../modules/enrichment/index.js';
import { type AgentIdentity } from '../../modules/session/index.js';
import { ODIGOS_IMPLIED_CAPABILITIES, ODIGOS_PLUGIN_NAME } from './odigos.constants.js';

/** What the Odigos plugin learned about one agent when it identified it. */
export interface OdigosAgent {
  readonly location: EnrichedLocation;
  /** Set when the agent was identified by its kubelet device id. */
  readonly deviceId?: string;
  readonly language?: string;
  readonly processId?: number;
}

/** The session identity of an Odigos agent: its pod, container, process and workload. */
export function odigosIdentity(agent: OdigosAgent): AgentIdentity {
  const { pod, workload, containerName } = agent.location;
  return {
    provider: ODIGOS_PLUGIN_NAME,
    impliedCapabilities: ODIGOS_IMPLIED_CAPABILITIES,
    kubernetes: {
      namespace: pod.namespace,
      podName: pod.name,
      podUid: pod.uid,
      containerName,
      processId: agent.processId,
      workload: { kind: workload.kind, name: workload.name },
      language: agent.language,
      deviceId: agent.deviceId,
    },
    labels: {
      'k8s.namespace.name': pod.namespace,
      'k8s.pod.name': pod.name,
      'k8s.container.name': containerName,
      'odigos.workload.kind': workload.kind,
      'odigos.workload.name': workload.name,
    },
  };
}
