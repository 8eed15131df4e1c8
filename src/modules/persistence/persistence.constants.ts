import { Inject } from '@nestjs/common';

/**
 * DI token of the {@link AgentStore} agents' records are written to. The default provider picks the
 * in-memory store or the InstrumentationInstance store from `PERSISTENCE`; provide your own under this
 * token (or `PersistenceModule.forRoot({ store })`) to persist elsewhere.
 */
export const AGENT_STORE = 'OPAMP:AGENT_STORE';

/** Injects the {@link AgentStore} under {@link AGENT_STORE}. */
export const InjectAgentStore = (): ParameterDecorator => Inject(AGENT_STORE);

/** Label on every InstrumentationInstance this server created; objects without it are never touched. */
export const MANAGED_BY_LABEL = 'opamp-nest.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY_VALUE = 'opamp-nest';
/** Label holding the node whose server wrote the object, for start-up clean-up. */
export const NODE_LABEL = 'opamp-nest.io/node';

/** Odigos's label naming the workload: `<kind-lowercase>-<workloadName>` (reference/odigos.md §3). */
export const INSTRUMENTED_APP_LABEL = 'instrumented-app';
/** Odigos's label naming the owning pod; the Odigos UI skips objects without it (§3). */
export const OWNER_POD_NAME_LABEL = 'ownerPodName';

/** Odigos's cap on InstrumentationInstances per pod (`maxInstrumentationInstancesPerPod`, §3). */
export const MAX_INSTANCES_PER_POD = 16;
/** `maxLength` of `status.message` and `components[].message` in the CRD (§3). */
export const MESSAGE_MAX_LENGTH = 32_768;

/** Component reason Odigos writes when a component's status is not a JSON object (§2.4). */
export const COMPONENT_DETAILS_REASON = 'instrumentation.details';
/**
 * Health status of an agent that could not reach the server. Odigos keeps its record on a heartbeat
 * timeout, and the status is sticky for the session (§1.4, §1.7).
 */
export const NO_CONNECTION_TO_OPAMP_SERVER = 'NoConnectionToOpAMPServer';

/** Default time agents get to come back after start-up before their old records are deleted. */
export const DEFAULT_STARTUP_GRACE_MS = 90_000;
/** Default time pending writes get at shutdown. */
export const DEFAULT_SHUTDOWN_FLUSH_MS = 5_000;
/** Default timeout of one Kubernetes API request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
