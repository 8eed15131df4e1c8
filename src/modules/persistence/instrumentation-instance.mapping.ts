import {
  type AgentRecord,
  type AgentRecordLocation,
  type ComponentRecord,
  type RecordAttribute,
} from './agent-record.js';
import {
  INSTRUMENTATION_INSTANCE_API_VERSION,
  INSTRUMENTATION_INSTANCE_KIND,
  type InstrumentationAttribute,
  type InstrumentationInstance,
  type InstrumentationInstanceStatus,
  type InstrumentationLibraryStatus,
} from './instrumentation-instance.types.js';
import {
  INSTRUMENTED_APP_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  NODE_LABEL,
  OWNER_POD_NAME_LABEL,
} from './persistence.constants.js';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether Kubernetes accepts `value` as a label value (at most 63 characters, alphanumeric ends). */
export function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** `<podName>-<pid>`, Odigos's `InstrumentationInstanceName` (reference/odigos.md §3). */
export function instanceName(location: Pick<AgentRecordLocation, 'podName' | 'processId'>): string {
  return `${location.podName}-${location.processId}`;
}

/** `<kind-lowercase>-<workloadName>`, Odigos's `CalculateWorkloadRuntimeObjectName`. */
export function instrumentedAppName(workload: { kind: string; name: string }): string {
  return `${workload.kind}-${workload.name}`.toLowerCase();
}

/** Whether this server (on any node) created `object`; nothing else is ever modified or deleted. */
export function isManagedByUs(object: Pick<InstrumentationInstance, 'metadata'>): boolean {
  return object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/**
 * Labels of a new object: Odigos's `instrumented-app` and `ownerPodName` (the UI finds records by them) and
 * ours. A value Kubernetes would reject (over 63 characters) is left out rather than failing the create.
 */
export function labelsFor(location: AgentRecordLocation, nodeName: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (location.workload) labels[INSTRUMENTED_APP_LABEL] = instrumentedAppName(location.workload);
  labels[OWNER_POD_NAME_LABEL] = location.podName;
  labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE;
  labels[NODE_LABEL] = nodeName;
  for (const [key, value] of Object.entries(labels)) if (!isValidLabelValue(value)) delete labels[key];
  return labels;
}

/** A new object for `record`, owned by its pod (`controllerutil.SetControllerReference`). No status: create drops it. */
export function newInstance(record: AgentRecord, podUid: string, nodeName: string): InstrumentationInstance {
  const { location } = record;
  return {
    apiVersion: INSTRUMENTATION_INSTANCE_API_VERSION,
    kind: INSTRUMENTATION_INSTANCE_KIND,
    metadata: {
      name: instanceName(location),
      namespace: location.namespace,
      labels: labelsFor(location, nodeName),
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          name: location.podName,
          uid: podUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { containerName: location.containerName },
  };
}

/** Kubernetes `metav1.Time`: RFC 3339 in UTC, whole seconds. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function attributes(list: readonly RecordAttribute[]): InstrumentationAttribute[] {
  return list.map(({ key, value }) => ({ key, value }));
}

function libraryStatus(component: ComponentRecord, time: string): InstrumentationLibraryStatus {
  const status: InstrumentationLibraryStatus = {
    name: component.name,
    type: component.type,
    lastStatusTime: time,
  };
  if (component.nonIdentifyingAttributes?.length) {
    status.nonIdentifyingAttributes = attributes(component.nonIdentifyingAttributes);
  }
  if (component.healthy !== undefined) status.healthy = component.healthy;
  if (component.message) status.message = component.message;
  if (component.reason) status.reason = component.reason;
  return status;
}

/**
 * `current` with what `record` reports applied, as Odigos's status options do (reference/odigos.md §2.4, §3):
 * a description replaces the identifying attributes and clears the non-identifying ones, a health report sets
 * `healthy`, `reason` and `message`, components replace the components, and `lastStatusTime` is the record's
 * time. Empty strings and lists are left out, as Go's `omitempty` does.
 */
export function applyRecordToStatus(
  current: InstrumentationInstanceStatus | undefined,
  record: AgentRecord,
): InstrumentationInstanceStatus {
  const time = formatTime(record.observedAt);
  const status: InstrumentationInstanceStatus = { ...structuredClone(current ?? {}), lastStatusTime: time };
  if (record.identifyingAttributes !== undefined) {
    if (record.identifyingAttributes.length > 0) {
      status.identifyingAttributes = attributes(record.identifyingAttributes);
    } else delete status.identifyingAttributes;
    delete status.nonIdentifyingAttributes;
  }
  if (record.health !== undefined) {
    status.healthy = record.health.healthy;
    if (record.health.reason) status.reason = record.health.reason;
    else delete status.reason;
    if (record.health.message) status.message = record.health.message;
    else delete status.message;
  }
  if (record.components !== undefined) {
    status.components = record.components.map((component) => libraryStatus(component, time));
  }
  return status;
}

function withoutTimes(status: InstrumentationInstanceStatus | undefined): unknown {
  if (!status) return undefined;
  const { lastStatusTime: _time, components, ...rest } = status;
  return { ...rest, components: components?.map(({ lastStatusTime: _t, ...component }) => component) };
}

/** Whether two statuses say the same apart from their times. */
export function sameStatus(
  a: InstrumentationInstanceStatus | undefined,
  b: InstrumentationInstanceStatus | undefined,
): boolean {
  return canonicalJson(withoutTimes(a)) === canonicalJson(withoutTimes(b));
}

/** JSON with object keys sorted, so equal values compare equal whatever order their keys came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** The record an object holds (for start-up clean-up); undefined when it is not one of ours or not readable. */
export function recordFromInstance(object: InstrumentationInstance): AgentRecord | undefined {
  const { metadata, spec, status } = object;
  const owner = metadata.ownerReferences?.find((ref) => ref.kind === 'Pod' && ref.controller === true);
  const podName = metadata.labels?.[OWNER_POD_NAME_LABEL] ?? owner?.name;
  if (!podName || !metadata.name.startsWith(`${podName}-`)) return undefined;
  const processId = Number(metadata.name.slice(podName.length + 1));
  if (!Number.isSafeInteger(processId)) return undefined;
  const location: AgentRecordLocation = {
    namespace: metadata.namespace,
    podName,
    containerName: spec.containerName,
    processId,
    ...(owner ? { podUid: owner.uid } : {}),
  };
  return {
    agentId: '',
    location,
    ...(status?.identifyingAttributes ? { identifyingAttributes: status.identifyingAttributes } : {}),
    ...(status?.healthy !== undefined
      ? { health: { healthy: status.healthy, reason: status.reason ?? '', message: status.message ?? '' } }
      : {}),
    observedAt: status?.lastStatusTime ? Date.parse(status.lastStatusTime) : 0,
  };
}
