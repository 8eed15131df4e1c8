import { type AgentView } from '../../../index.js';
import { stringifyAttributes } from './attribute-value.js';
import { componentsFromHealth } from './component-status.js';
import { truncateMessage } from './truncate-message.js';

/** A key and a value, both strings, as the InstrumentationInstance CRD stores attributes. */
export interface RecordAttribute {
  readonly key: string;
  readonly value: string;
}

/** Where an agent runs: the pod and process its record belongs to. */
export interface InstrumentationInstanceLocation {
  readonly namespace: string;
  readonly podName: string;
  /** metadata.uid of the pod, when known (the Kubernetes store reads the pod otherwise). */
  readonly podUid?: string;
  readonly containerName: string;
  /**
   * The process id inside the container (`process.vpid`, else `process.pid`). Undefined for an agent that
   * never reported one (a device-id agent may not): its record is then named after its container.
   */
  readonly processId?: number;
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
 * What the Odigos plugin persists about one agent (as an InstrumentationInstance): where it runs, what it said about itself and how healthy it is.
 * A field left undefined was never reported, and stores keep whatever they hold for it (Odigos applies
 * only the parts a message carries: odiglet's `opampserver/pkg/server/handlers.go`).
 */
export interface InstrumentationInstanceRecord {
  /** The agent's instance uid as shown to people. */
  readonly agentId: string;
  readonly location: InstrumentationInstanceLocation;
  /** Every identifying attribute of the agent description, values stringified as odiglet does. */
  readonly identifyingAttributes?: readonly RecordAttribute[];
  readonly health?: AgentRecordHealth;
  /** From `health.component_health_map`; undefined when the map is empty (stored components are kept). */
  readonly components?: readonly ComponentRecord[];
  /** When this state was observed, ms since the epoch (becomes `lastStatusTime`). */
  readonly observedAt: number;
}

/** The key of a record: one per process of one pod (per container when the process id is unknown). */
export function instanceRecordKey(location: {
  readonly namespace: string;
  readonly podName: string;
  readonly containerName: string;
  readonly processId?: number;
}): string {
  const process = location.processId ?? `container:${location.containerName}`;
  return `${location.namespace}/${location.podName}/${process}`;
}

/** The record of an agent at `now`, from where it runs and what it reported. */
export function instanceRecordOf(
  agent: AgentView,
  location: InstrumentationInstanceLocation,
  now: number,
): InstrumentationInstanceRecord {
  const { description, health } = agent.status;
  const components = health ? componentsFromHealth(health) : undefined;
  return {
    agentId: agent.displayId,
    location: {
      namespace: location.namespace,
      podName: location.podName,
      containerName: location.containerName,
      ...(location.processId !== undefined ? { processId: location.processId } : {}),
      ...(location.podUid !== undefined ? { podUid: location.podUid } : {}),
      ...(location.workload ? { workload: { ...location.workload } } : {}),
    },
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
