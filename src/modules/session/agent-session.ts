import { type AgentConnection } from './agent-connection.js';
import {
  type AgentIdentity,
  type AgentStatus,
  type AgentView,
  type TransportKind,
} from '../../plugin-api/index.js';
import { type AgentRemoteConfig, type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { formatInstanceUid, instanceUidKey } from '../protocol/index.js';

/**
 * What the server knows about one agent instance: its identity, the last full status, where it is
 * connected, and what is waiting to be delivered to it. Only the session module writes it; plugins and
 * other modules see it as an {@link AgentView}.
 */
export class AgentSession implements AgentView {
  /** Registry key derived from the uid bytes. */
  key: string;
  /** The uid as shown to people: a UUID for 16 bytes, text for printable uids, hex otherwise. */
  displayId: string;
  /** Capabilities from the agent's latest message (AgentToServer.capabilities). */
  capabilities = 0n;
  /** Last full value of every compressible status field. */
  readonly status: AgentStatus = {};
  /** sequence_num of the last message, or undefined before the first one. */
  lastSequenceNum?: bigint;
  /** Live connection of a WebSocket agent; for HTTP, the request being served, if any. */
  connection?: AgentConnection;
  transport: TransportKind;
  readonly firstSeenAt: number;
  lastSeenAt: number;
  messageCount = 0;
  /** Id of the connection the server capabilities were last sent on. */
  capabilitiesSentOn?: string;
  /** Who the agent is, once a plugin (or the default) identified it. */
  identity?: AgentIdentity;
  /** Resource attributes computed for the agent by a plugin. */
  resourceAttributes?: readonly KeyValue[];
  /** The remote-config file that delivers {@link resourceAttributes}, when the server delivers them. */
  resourceAttributesFile?: string;
  /** The remote config the server wants the agent to run; offered while its reported hash differs. */
  remoteConfig?: AgentRemoteConfig;
  /** Parts of a ServerToAgent waiting for an HTTP agent's next poll (latest value per field wins). */
  pending?: Partial<ServerToAgent>;

  constructor(
    public instanceUid: Buffer,
    connection: AgentConnection,
    now: number,
  ) {
    this.key = instanceUidKey(instanceUid);
    this.displayId = formatInstanceUid(instanceUid);
    this.connection = connection;
    this.transport = connection.transport;
    this.firstSeenAt = now;
    this.lastSeenAt = now;
  }

  /** Moves the session to a new uid (RequestInstanceUid, duplicate detection). */
  assignUid(uid: Buffer): void {
    this.instanceUid = uid;
    this.key = instanceUidKey(uid);
    this.displayId = formatInstanceUid(uid);
  }

  /** Reported capabilities plus those its identity implies; what the server may send is decided on these. */
  get effectiveCapabilities(): bigint {
    return this.capabilities | (this.identity?.impliedCapabilities ?? 0n);
  }

  /** Custom capabilities the agent last reported. */
  get customCapabilities(): readonly string[] {
    return this.status.customCapabilities?.capabilities ?? [];
  }
}
