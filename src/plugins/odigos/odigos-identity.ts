import { type AgentIdentity, type IdentityAttributeValue } from '../../index.js';
import { ODIGOS_IMPLIED_CAPABILITIES, ODIGOS_PLUGIN_NAME } from './odigos.constants.js';

/** Where the Odigos plugin placed one agent. */
export interface OdigosAgent {
  readonly namespace: string;
  readonly podName: string;
  /** metadata.uid of the pod. */
  readonly podUid?: string;
  readonly containerName: string;
  /** The node the pod runs on. */
  readonly nodeName?: string;
  /** The workload owning the pod (`Deployment`/`frontend`). */
  readonly workload: { readonly kind: string; readonly name: string };
  /** Set when the agent was identified by its kubelet device id. */
  readonly deviceId?: string;
  /** `telemetry.sdk.language`, when reported. */
  readonly language?: string;
  /** `process.vpid`, else `process.pid`, when reported. */
  readonly processId?: number;
}

/**
 * The identity of an Odigos agent, in the server's generic shape: keyed by pod and container, labelled with
 * the Kubernetes names (the admin API and config selectors match on them), the pod uid and process id as
 * attributes. Odigos agents send `capabilities = 0` but accept what {@link ODIGOS_IMPLIED_CAPABILITIES} names.
 */
export function odigosIdentity(agent: OdigosAgent): AgentIdentity {
  const attributes: Record<string, IdentityAttributeValue> = {};
  if (agent.podUid !== undefined) attributes['k8s.pod.uid'] = agent.podUid;
  if (agent.processId !== undefined) attributes['process.pid'] = agent.processId;
  if (agent.language !== undefined) attributes['telemetry.sdk.language'] = agent.language;
  if (agent.deviceId !== undefined) attributes['odigos.device.id'] = agent.deviceId;
  return {
    provider: ODIGOS_PLUGIN_NAME,
    key: `${agent.namespace}/${agent.podName}/${agent.containerName}`,
    impliedCapabilities: ODIGOS_IMPLIED_CAPABILITIES,
    labels: {
      'k8s.namespace.name': agent.namespace,
      'k8s.pod.name': agent.podName,
      'k8s.container.name': agent.containerName,
      'odigos.workload.kind': agent.workload.kind,
      'odigos.workload.name': agent.workload.name,
    },
    attributes,
  };
}
