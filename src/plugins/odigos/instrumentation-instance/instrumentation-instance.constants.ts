/** Odigos's label naming the workload: `<kind-lowercase>-<workloadName>` (Odigos `k8sutils/pkg/consts`). */
export const INSTRUMENTED_APP_LABEL = 'instrumented-app';
/** Odigos's label naming the owning pod; the Odigos UI skips objects without it. */
export const OWNER_POD_NAME_LABEL = 'ownerPodName';

/** Odigos's cap on InstrumentationInstances per pod (`maxInstrumentationInstancesPerPod` in odiglet). */
export const MAX_INSTANCES_PER_POD = 16;
/** `maxLength` of `status.message` and `components[].message` in the InstrumentationInstance CRD. */
export const MESSAGE_MAX_LENGTH = 32_768;

/** Component reason Odigos writes when a component's status is not a JSON object. */
export const COMPONENT_DETAILS_REASON = 'instrumentation.details';
