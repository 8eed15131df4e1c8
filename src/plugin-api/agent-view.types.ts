import {
  type AgentDescription,
  type AgentRemoteConfig,
  type AvailableComponents,
  type ComponentHealth,
  type ConnectionSettingsStatus,
  type CustomCapabilities,
  type EffectiveConfig,
  type PackageStatuses,
  type RemoteConfigStatus,
} from '../generated/opamp/v1/opamp.js';
import { type KeyValue } from '../generated/opamp/v1/anyvalue.js';
import { type AgentIdentity } from './agent-identity.types.js';
import { type TransportKind } from './transport.types.js';

/**
 * The last full value of every status sub-message an agent may omit when unchanged (OpAMP specification,
 * "Agent Status Compression"). Undefined means the agent has never reported it.
 */
export interface AgentStatus {
  description?: AgentDescription;
  health?: ComponentHealth;
  effectiveConfig?: EffectiveConfig;
  remoteConfigStatus?: RemoteConfigStatus;
  packageStatuses?: PackageStatuses;
  customCapabilities?: CustomCapabilities;
  availableComponents?: AvailableComponents;
  connectionSettingsStatus?: ConnectionSettingsStatus;
}

/** The names of {@link AgentStatus} fields, i.e. what can change in one message. */
export type AgentStatusField = keyof AgentStatus;

/**
 * What a plugin sees of one agent: read-only. The server owns the state; a plugin changes it only through
 * what its hooks return. The same object is passed for the same agent for as long as its session lasts, so
 * a plugin may key a `WeakMap` on it to keep facts of its own.
 */
export interface AgentView {
  /** The instance uid bytes (16 for a UUID). */
  readonly instanceUid: Uint8Array;
  /** The uid as shown to people: a UUID for 16 bytes, text for printable uids, hex otherwise. */
  readonly displayId: string;
  /** `AgentToServer.capabilities` of the latest message. */
  readonly capabilities: bigint;
  /** Reported capabilities plus those the identity implies; what the server sends is decided on these. */
  readonly effectiveCapabilities: bigint;
  /** Custom capabilities the agent last reported. */
  readonly customCapabilities: readonly string[];
  /** The last full value of every status field. */
  readonly status: Readonly<AgentStatus>;
  readonly transport: TransportKind;
  /** When the session started and when its latest message arrived, ms since the epoch. */
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  /** Messages handled in this session. */
  readonly messageCount: number;
  /** Who the agent is, once a plugin (or the default) identified it. */
  readonly identity?: AgentIdentity;
  /** Resource attributes a plugin computed for the agent. */
  readonly resourceAttributes?: readonly KeyValue[];
  /** The remote config the server offers the agent (while its reported hash differs). */
  readonly remoteConfig?: AgentRemoteConfig;
}
