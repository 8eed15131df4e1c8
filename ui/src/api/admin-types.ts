/**
 * The admin API's answers as the UI reads them (`GET /api/v1/...`; see the OpenAPI document at
 * `/api/docs-json`).
 */

export type Health = 'healthy' | 'unhealthy' | 'unknown';
export type Transport = 'http' | 'websocket';
export type RolloutState = 'none' | 'unsupported' | 'pending' | 'applying' | 'applied' | 'failed';

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

export type Attributes = Record<string, unknown>;

export interface RemoteConfigSummary {
  source: string;
  config: string | null;
  state: RolloutState;
  hash: string | null;
}

export interface AgentSummary {
  id: string;
  transport: Transport;
  connected: boolean;
  health: Health;
  identifyingAttributes: Attributes;
  labels: Record<string, string>;
  lastSeen: string;
  remoteConfig: RemoteConfigSummary;
}

export interface AgentPage {
  items: AgentSummary[];
  total: number;
  nextCursor: string | null;
}

export interface ConfigFile {
  contentType: string;
  encoding: 'utf8' | 'base64';
  body: string;
}

export interface ComponentHealth {
  healthy: boolean;
  status: string;
  lastError: string;
  startTime: string | null;
  statusTime: string | null;
  attributes: Attributes;
  components: Record<string, ComponentHealth>;
}

export interface Assignment {
  config: string;
  name: string;
  agent?: string;
  selector?: Record<string, string>;
}

export interface AgentDetail {
  id: string;
  instanceUid: string;
  transport: Transport;
  connection: { id: string | null; remoteAddress: string | null; open: boolean };
  firstSeen: string;
  lastSeen: string;
  messageCount: number;
  sequenceNum: string | number | null;
  identity: {
    provider: string;
    key: string;
    labels: Record<string, string>;
    attributes: Record<string, string>;
  } | null;
  description: { identifyingAttributes: Attributes; nonIdentifyingAttributes: Attributes };
  resourceAttributes: Attributes;
  capabilities: string[];
  effectiveCapabilities: string[];
  customCapabilities: string[];
  acceptsRestart: boolean;
  health: ComponentHealth | null;
  effectiveConfig: { files: Record<string, ConfigFile> } | null;
  remoteConfig: RemoteConfigSummary & {
    assignment: Assignment | null;
    files: Record<string, ConfigFile> | null;
    reported: { status: string; hash: string | null; errorMessage: string } | null;
  };
  connectionSettings: {
    status: string | null;
    hash: string | null;
    errorMessage: string;
    offeredHash: string | null;
  } | null;
  packages: unknown;
  pending: string[];
}

export type Rollout = { agents: number; failedAgents: string[] } & Record<RolloutState, number>;

export interface ConfigSummary {
  name: string;
  hash: string | null;
  updatedAt: string;
  files: string[];
  assignments: Assignment[];
  rollout: Rollout;
}

export interface ConfigDetail extends Omit<ConfigSummary, 'files'> {
  files: Record<string, ConfigFile>;
}

export interface ConfigList {
  store: string;
  items: ConfigSummary[];
}

export interface ApiError {
  statusCode: number;
  error?: string;
  message: string | string[];
}
