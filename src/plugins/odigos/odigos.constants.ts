import { AgentCapabilities } from '../../generated/opamp/v1/opamp.js';
import { bitmask } from '../../index.js';

/** Identifying attributes an Odigos agent reports about where it runs (docs/odigos.md). */
export const OdigosAttribute = {
  Namespace: 'k8s.namespace.name',
  PodName: 'k8s.pod.name',
  ContainerName: 'k8s.container.name',
  Language: 'telemetry.sdk.language',
  ProcessVpid: 'process.vpid',
  ProcessPid: 'process.pid',
} as const;

/** Keys of the remote config map Odigos agents read (docs/odigos.md). */
export const OdigosConfigKey = {
  ContainerConfig: 'container_config',
  /** Always `[]`; kept for agents older than Odigos v1.40, which fail without it. */
  InstrumentationLibraries: 'InstrumentationLibraries',
  /** Device-id agents (the seeds' design) read their resource attributes from here. */
  Sdk: 'SDK',
} as const;

/** Content type of every Odigos config section. */
export const ODIGOS_CONFIG_CONTENT_TYPE = 'application/json';

/**
 * Health status of an agent that could not reach the server. Odigos keeps its record on a heartbeat
 * timeout, and the status is sticky for the session.
 */
export const NO_CONNECTION_TO_OPAMP_SERVER = 'NoConnectionToOpAMPServer';

/**
 * Health status strings agreed between Odigos and its SDKs (docs/odigos.md). Any other
 * reported string is shown as Unknown; `healthy` and `status` are independent.
 */
export const ODIGOS_HEALTH_STATUSES = [
  'Healthy',
  'Unknown',
  'Starting',
  'UnsupportedRuntimeVersion',
  'ProcessTerminated',
  'AgentFailure',
  NO_CONNECTION_TO_OPAMP_SERVER,
] as const;

/** One of {@link ODIGOS_HEALTH_STATUSES}. */
export type OdigosHealthStatus = (typeof ODIGOS_HEALTH_STATUSES)[number];

/**
 * What an Odigos agent accepts without saying so: it sends `capabilities = 0` but needs `remote_config`
 * in its first reply and reports its health and config status (docs/odigos.md).
 */
export const ODIGOS_IMPLIED_CAPABILITIES = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsHealth,
);

/** Attribute naming the kind of a workload that has no semantic-convention key (Odigos's pod webhook). */
export const ODIGOS_WORKLOAD_KIND_ATTRIBUTE = 'odigos.workload.kind';
/** Attribute naming a workload that has no semantic-convention key. */
export const ODIGOS_WORKLOAD_NAME_ATTRIBUTE = 'odigos.workload.name';

/** Name of the plugin, in `PLUGINS` and logs. */
export const ODIGOS_PLUGIN_NAME = 'odigos';
