import { type AdminApiPaths, type AdminApiSchemas } from '../../../src/client/index.js';

/**
 * The admin API's answers as the UI reads them: the schemas of its OpenAPI document, generated into the
 * typed client (`src/client/`, the package's `opamp-nest/client`).
 */
export type AgentSummary = AdminApiSchemas['AgentSummary'];
export type AgentDetail = AdminApiSchemas['AgentDetail'];
export type ApiError = AdminApiSchemas['ApiError'];
export type ConfigFile = AdminApiSchemas['ConfigFile'];
export type ComponentHealth = AdminApiSchemas['ComponentHealth'];
export type Rollout = AdminApiSchemas['ConfigRollout'];
export type ConfigDetail = AdminApiSchemas['ConfigDetail'];
export type FleetSummary = AdminApiSchemas['FleetSummary'];
export type ServerInfo = AdminApiSchemas['ServerInfo'];
/** Hub only: a node server that did not answer, and the node servers (`GET /api/v1/nodes`). */
export type MissingNode = AdminApiSchemas['MissingNode'];
export type NodeServer = AdminApiSchemas['NodeServer'];
export type NodeServerList = AdminApiSchemas['NodeServerList'];

export type Health = AgentSummary['health'];
export type Transport = AgentSummary['transport'];
export type RolloutState = keyof FleetSummary['byConfigState'];

/** The query of `GET /api/v1/agents`, with the `attr.<key>=<value>` filters besides. */
export type AgentListQuery = NonNullable<AdminApiPaths['/api/v1/agents']['get']['parameters']['query']> &
  Record<`attr.${string}`, string>;
export type AgentSort = NonNullable<AgentListQuery['sort']>;

export const HEALTHS: readonly Health[] = ['healthy', 'unhealthy', 'unknown'];
export const TRANSPORTS: readonly Transport[] = ['websocket', 'http'];
export const ROLLOUT_STATES: readonly RolloutState[] = [
  'none',
  'unsupported',
  'pending',
  'applying',
  'applied',
  'failed',
];
export const AGENT_SORTS: readonly AgentSort[] = [
  'id',
  'lastSeen',
  'health',
  'node',
  'namespace',
  'workload',
  'configState',
];
