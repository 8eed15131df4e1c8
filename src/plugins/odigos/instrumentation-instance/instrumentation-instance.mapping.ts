import { type CustomResourceMapping, type CustomResourceObject, isValidLabelValue } from '../../../index.js';
import { instrumentationConfigName } from '../instrumentation-config/instrumentation-config.js';
import {
  type ComponentRecord,
  type InstrumentationInstanceLocation,
  type InstrumentationInstanceRecord,
  type RecordAttribute,
} from './instrumentation-instance.record.js';
import {
  INSTRUMENTATION_INSTANCE_GROUP,
  INSTRUMENTATION_INSTANCE_KIND,
  INSTRUMENTATION_INSTANCE_PLURAL,
  INSTRUMENTATION_INSTANCE_VERSION,
  type InstrumentationAttribute,
  type InstrumentationInstance,
  type InstrumentationInstanceStatus,
  type InstrumentationLibraryStatus,
} from './instrumentation-instance.types.js';
import {
  INSTRUMENTED_APP_LABEL,
  MAX_INSTANCES_PER_POD,
  OWNER_POD_NAME_LABEL,
} from './instrumentation-instance.constants.js';

/**
 * `<podName>-<pid>`, Odigos's `InstrumentationInstanceName` (odiglet `k8sutils`); `<podName>-<container>`
 * for an agent that never reported its process id.
 */
export function instanceName(
  location: Pick<InstrumentationInstanceLocation, 'podName' | 'processId' | 'containerName'>,
): string {
  return `${location.podName}-${location.processId ?? location.containerName}`;
}

/** The `instrumented-app` label: the workload's object name, as its InstrumentationConfig is named. */
export const instrumentedAppName = instrumentationConfigName;

/** Odigos's labels of a new object: the UI finds records by `instrumented-app` and `ownerPodName`. */
export function labelsFor(location: InstrumentationInstanceLocation): Record<string, string> {
  const labels: Record<string, string> = {};
  if (location.workload) labels[INSTRUMENTED_APP_LABEL] = instrumentedAppName(location.workload);
  labels[OWNER_POD_NAME_LABEL] = location.podName;
  return labels;
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
 * `current` with what `record` reports applied, as Odigos's status options do (docs/odigos.md, contract point 15):
 * a description replaces the identifying attributes and clears the non-identifying ones, a health report sets
 * `healthy`, `reason` and `message`, components replace the components, and `lastStatusTime` is the record's
 * time. Empty strings and lists are left out, as Go's `omitempty` does.
 */
export function applyRecordToStatus(
  current: InstrumentationInstanceStatus | undefined,
  record: InstrumentationInstanceRecord,
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

/** The record an object holds (for start-up clean-up); undefined when it is not readable. */
export function recordFromInstance(
  object: InstrumentationInstance,
): InstrumentationInstanceRecord | undefined {
  const { metadata, spec, status } = object;
  const owner = metadata.ownerReferences?.find((ref) => ref.kind === 'Pod' && ref.controller === true);
  const podName = metadata.labels?.[OWNER_POD_NAME_LABEL] ?? owner?.name;
  if (!podName || !metadata.name.startsWith(`${podName}-`)) return undefined;
  const suffix = metadata.name.slice(podName.length + 1);
  const processId = Number(suffix);
  const named = Number.isSafeInteger(processId) && suffix !== '';
  if (!named && suffix !== spec.containerName) return undefined;
  const location: InstrumentationInstanceLocation = {
    namespace: metadata.namespace,
    podName,
    containerName: spec.containerName,
    ...(named ? { processId } : {}),
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

/**
 * Records as Odigos's InstrumentationInstance objects, so the Odigos UI and CLI show them (odiglet
 * `opampserver/pkg/server/handlers.go` and `k8sutils/pkg/instrumentation_instance`): `<podName>-<pid>` in the
 * pod's namespace, Odigos's labels, `spec.containerName`, owned by the pod, at most 16 per pod, the status
 * as odiglet writes it.
 */
export const instrumentationInstanceResource: CustomResourceMapping<InstrumentationInstanceRecord> = {
  group: INSTRUMENTATION_INSTANCE_GROUP,
  version: INSTRUMENTATION_INSTANCE_VERSION,
  plural: INSTRUMENTATION_INSTANCE_PLURAL,
  kind: INSTRUMENTATION_INSTANCE_KIND,
  objectRef: ({ location }) => ({ namespace: location.namespace, name: instanceName(location) }),
  ownerPod: ({ location }) => ({
    name: location.podName,
    ...(location.podUid !== undefined ? { uid: location.podUid } : {}),
  }),
  // A pod whose name is no label value has no ownerPodName label to count by.
  podCap: ({ location }) =>
    isValidLabelValue(location.podName)
      ? { labelSelector: `${OWNER_POD_NAME_LABEL}=${location.podName}`, max: MAX_INSTANCES_PER_POD }
      : undefined,
  newObject: (record) => ({
    labels: labelsFor(record.location),
    spec: { containerName: record.location.containerName },
  }),
  statusOf: (current, record) =>
    applyRecordToStatus(current as InstrumentationInstanceStatus | undefined, record),
  sameStatus: (a, b) =>
    sameStatus(
      a as InstrumentationInstanceStatus | undefined,
      b as InstrumentationInstanceStatus | undefined,
    ),
  recordOf: (object: CustomResourceObject) =>
    recordFromInstance(object as unknown as InstrumentationInstance),
};
