import { type AgentSession } from '../session/index.js';
import { stringifyAttributes } from './attribute-value.js';
import { componentsFromHealth } from './component-status.js';
import { truncateMessage } from './truncate-message.js';

/** A key and a value, both strings, as the InstrumentationInstance CRD stores attributes. */
export interface RecordAttribute {
  readonly key: string;
  readonly value: string;
}

/** Where an agent runs: the pod and process its record belongs to. */
export interface AgentRecordLocation {
  readonly namespace: string;
  readonly podName: string;
  /** metadata.uid of the pod, when known (the Kubernetes store reads the pod otherwise). */
  readonly podUid?: string;
  readonly containerName: string;
  /** The process id inside the container (`process.vpid`, else `process.pid`). */
  readonly processId: number;
  /** The workload owning the pod (`Deployment`/`frontend`), when resolved. */
  readonly workload?: { readonly kind: string; readonly name: string };
}

/** The agent's last health report, as the CRD keeps it. */
export interface AgentRecordHealth {
  /** `health.healthy`. */
  readonly healthy: boolean;
  /** `health.status`, verbatim (`Healthy`, `Starting`, `AgentFailure`, or anything an agent sends). */
  readonly reason: string;
  /** `health.last_error`, cut to 32768 characters (the CRD's `maxLength`). */
  readonly message: string;
}

/** One entry of `health.component_health_map`. */
export interface ComponentRecord {
  /** The map key (e.g. an instrumentation library's name). */
  readonly name: string;
  /** Always `instrumentation` for what agents report over OpAMP. */
  readonly type: 'instrumentation' | 'sampler' | 'exporter';
  readonly healthy?: boolean;
  readonly reason?: string;
  readonly message?: string;
  /** The component's JSON status, one attribute per key. */
  readonly nonIdentifyingAttributes?: readonly RecordAttribute[];
}

/**
 * What is persisted about one agent: where it runs, what it said about itself and how healthy it is.
 * A field left undefined was never reported, and stores keep whatever they hold for it (Odigos applies
 * only the parts a message carries, reference/odigos.md §3 step 3).
 */
export interface AgentRecord {
  /** The agent's instance uid as shown to people. */
  readonly agentId: string;
  readonly location: AgentRecordLocation;
  /** Every identifying attribute of the agent description, values stringified as odiglet does. */
  readonly identifyingAttributes?: readonly RecordAttribute[];
  readonly health?: AgentRecordHealth;
  /** From `health.component_health_map`; undefined when the map is empty (stored components are kept). */
  readonly components?: readonly ComponentRecord[];
  /** When this state was observed, ms since the epoch (becomes `lastStatusTime`). */
  readonly observedAt: number;
}

/** The identity of a record, the same for every agent that runs as one process of one pod. */
export function agentRecordKey(location: {
  readonly namespace: string;
  readonly podName: string;
  readonly processId?: number;
}): string {
  return `${location.namespace}/${location.podName}/${location.processId}`;
}

/**
 * The record of a session at `now`, or undefined when the session has no Kubernetes location with a
 * process id: an InstrumentationInstance is named after the pod and the pid.
 */
export function recordFromSession(session: AgentSession, now: number): AgentRecord | undefined {
  const kubernetes = session.identity?.kubernetes;
  if (!kubernetes || kubernetes.processId === undefined) return undefined;
  const { description, health } = session.status;
  const location: AgentRecordLocation = {
    namespace: kubernetes.namespace,
    podName: kubernetes.podName,
    containerName: kubernetes.containerName,
    processId: kubernetes.processId,
    ...(kubernetes.podUid !== undefined ? { podUid: kubernetes.podUid } : {}),
    ...(kubernetes.workload ? { workload: { ...kubernetes.workload } } : {}),
  };
  const components = health ? componentsFromHealth(health) : undefined;
  return {
    agentId: session.displayId,
    location,
    ...(description ? { identifyingAttributes: stringifyAttributes(description.identifyingAttributes) } : {}),
    ...(health
      ? {
          health: {
            healthy: health.healthy,
            reason: health.status,
            message: truncateMessage(health.lastError),
          },
        }
      : {}),
    ...(components ? { components } : {}),
    observedAt: now,
  };
}
