import {
  type AgentRecordMapping,
  type AgentView,
  type DisconnectReason,
  type SessionEndAction,
} from '../../../index.js';
import { NO_CONNECTION_TO_OPAMP_SERVER } from '../odigos.constants.js';
import { instrumentationInstanceResource } from './instrumentation-instance.mapping.js';
import {
  instanceRecordKey,
  instanceRecordOf,
  type InstrumentationInstanceLocation,
  type InstrumentationInstanceRecord,
} from './instrumentation-instance.record.js';

/** Where the plugin placed an agent, or undefined for an agent it did not identify. */
export type InstanceLocator = (agent: AgentView) => InstrumentationInstanceLocation | undefined;

/**
 * Odigos's persistence rules (odiglet `opampserver/pkg/server/handlers.go` and `server.go`), as a record
 * mapping for the server's generic writer:
 * - a message whose description or health changed writes the record; a heartbeat writes nothing;
 * - `agent_disconnect` healthy → delete; unhealthy with `last_error` → write and keep (for troubleshooting,
 *   it goes with the pod); unhealthy without `last_error`, or without health → leave as it is;
 * - stale → delete, unless the agent reported `NoConnectionToOpAMPServer` (sticky for the session);
 * - WebSocket closed without `agent_disconnect` → deleted unless the agent comes back within the stale
 *   limit; server shutting down → keep;
 * - at start-up, leftovers the rules above would have kept stay.
 */
export class InstrumentationInstanceMapping implements AgentRecordMapping<InstrumentationInstanceRecord> {
  readonly name = 'instrumentation-instance';
  readonly customResource = instrumentationInstanceResource;
  /** Agents that once reported NoConnectionToOpAMPServer: Odigos keeps that status for the session. */
  private readonly noConnection = new WeakSet<AgentView>();
  /** The record last built for each agent, i.e. what the server last wrote (or queued) for it. */
  private readonly lastRecords = new WeakMap<AgentView, InstrumentationInstanceRecord>();

  constructor(private readonly locate: InstanceLocator) {}

  recordOf(agent: AgentView, now: number): InstrumentationInstanceRecord | undefined {
    const location = this.locate(agent);
    if (!location) return undefined;
    if (agent.status.health?.status === NO_CONNECTION_TO_OPAMP_SERVER) this.noConnection.add(agent);
    const record = instanceRecordOf(agent, location, now);
    this.lastRecords.set(agent, record);
    return record;
  }

  /** The record last built for `agent` (the writer builds one on every change it writes), if any. */
  lastRecordOf(agent: AgentView): InstrumentationInstanceRecord | undefined {
    return this.lastRecords.get(agent);
  }

  keyOf(record: InstrumentationInstanceRecord): string {
    return instanceRecordKey(record.location);
  }

  /**
   * The record's JSON without `observedAt` (the server's default), without the default's replacer function:
   * a plain `JSON.stringify` is several times faster, and this runs on every write of a first-message storm.
   */
  fingerprintOf(record: InstrumentationInstanceRecord): string {
    const { observedAt: _observedAt, ...content } = record;
    return JSON.stringify(content);
  }

  /** One pod's records are written one at a time: the per-pod cap is counted before creating. */
  groupOf(record: InstrumentationInstanceRecord): string {
    return `${record.location.namespace}/${record.location.podName}`;
  }

  agentOf(record: InstrumentationInstanceRecord): string | undefined {
    return record.agentId || undefined;
  }

  atSessionEnd(
    agent: AgentView,
    _record: InstrumentationInstanceRecord,
    reason: DisconnectReason,
  ): SessionEndAction {
    switch (reason) {
      case 'agent-disconnect': {
        const health = agent.status.health;
        if (!health) return 'keep';
        if (health.healthy) return 'remove';
        return health.lastError === '' ? 'keep' : 'write';
      }
      case 'stale':
        return this.noConnection.has(agent) ? 'keep' : 'remove';
      case 'connection-closed':
        return this.noConnection.has(agent) ? 'keep' : 'remove-unless-back';
      case 'server-shutdown':
        return 'keep';
    }
  }

  /** Kept: an agent that reported NoConnectionToOpAMPServer, or one unhealthy with an error. */
  keepsLeftover(record: InstrumentationInstanceRecord): boolean {
    const health = record.health;
    if (!health) return false;
    return health.reason === NO_CONNECTION_TO_OPAMP_SERVER || (!health.healthy && health.message !== '');
  }
}
