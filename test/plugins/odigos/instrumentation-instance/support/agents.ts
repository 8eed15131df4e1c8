import { Injectable } from '@nestjs/common';
import { type AnyValue, type KeyValue } from '../../../../../src/generated/opamp/v1/anyvalue.js';
import { AgentToServer, type ComponentHealth } from '../../../../../src/generated/opamp/v1/opamp.js';
import { OpampPlugin } from '../../../../../src/modules/plugins/index.js';
import {
  type AgentEvents,
  AgentSession,
  mergeAgentStatus,
} from '../../../../../src/modules/session/index.js';
import {
  type AgentRecordMapping,
  type AgentView,
  type DisconnectReason,
  type OpampPluginHooks,
} from '../../../../../src/plugin-api/index.js';
import { InstrumentationInstanceMapping } from '../../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record-mapping.js';
import { type InstrumentationInstanceLocation } from '../../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record.js';
import { odigosIdentity } from '../../../../../src/plugins/odigos/odigos-identity.js';
import { FakeConnection } from '../../../../support/fake-connection.js';
import { health as odigosHealth } from '../../../../support/odigos-agents/agent-messages.js';

type AgentToServerInit = Parameters<typeof AgentToServer.fromPartial>[0];

/** AnyValue constructors. */
export const str = (value: string): AnyValue => ({ value: { $case: 'stringValue', value } });
export const int = (value: number | bigint): AnyValue => ({
  value: { $case: 'intValue', value: BigInt(value) },
});
export const bool = (value: boolean): AnyValue => ({ value: { $case: 'boolValue', value } });
export const double = (value: number): AnyValue => ({ value: { $case: 'doubleValue', value } });
export const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

/** A ComponentHealth with defaults, healthy unless `init` says otherwise. */
export const health = (init: Partial<ComponentHealth> = {}): ComponentHealth =>
  odigosHealth({ healthy: true, ...init });

/** Where a test agent runs. */
export interface TestLocation {
  namespace?: string;
  podName?: string;
  podUid?: string;
  containerName?: string;
  processId?: number;
  workload?: { kind: string; name: string };
}

/** Where each hand-built session runs, as the Odigos plugin would have placed it. */
const placed = new WeakMap<AgentView, InstrumentationInstanceLocation>();

/** The location {@link makeSession} placed `agent` at, if any. */
export function locationOf(agent: AgentView): InstrumentationInstanceLocation | undefined {
  return placed.get(agent);
}

/** Places `session` at another location (e.g. once it reported its process id). */
export function place(session: AgentSession, location: InstrumentationInstanceLocation): void {
  placed.set(session, location);
  session.identity = odigosIdentity({ ...location, workload: location.workload ?? { kind: '', name: '' } });
}

/**
 * A plugin answering `recordMapping()` with Odigos's {@link InstrumentationInstanceMapping} over the
 * locations of the sessions {@link makeSession} built: the Odigos rules without the Odigos plugin's placement.
 */
@OpampPlugin({ name: 'test-instrumentation-instances' })
@Injectable()
export class InstrumentationInstanceTestPlugin implements OpampPluginHooks {
  readonly mapping = new InstrumentationInstanceMapping(locationOf);

  recordMapping(): AgentRecordMapping {
    return this.mapping as AgentRecordMapping<object> as AgentRecordMapping;
  }
}

let uidCounter = 0;

/**
 * A hand-built session identified the way the Odigos plugin identifies agents (a Kubernetes location with a
 * process id unless `processId: undefined` is given explicitly), on a fake HTTP connection.
 */
export function makeSession(location: TestLocation = {}, now = Date.now()): AgentSession {
  const uid = Buffer.from(`0190a0b0-0000-7000-8000-${String(++uidCounter).padStart(12, '0')}`);
  const session = new AgentSession(uid, new FakeConnection('http'), now);
  const processId = 'processId' in location ? location.processId : 1;
  place(session, {
    namespace: location.namespace ?? 'shop',
    podName: location.podName ?? 'frontend-7d4b9c-x2x9z',
    containerName: location.containerName ?? 'app',
    workload: location.workload ?? { kind: 'Deployment', name: 'frontend' },
    ...(processId !== undefined ? { processId } : {}),
    ...(location.podUid !== undefined ? { podUid: location.podUid } : {}),
  });
  return session;
}

/** The identifying attributes a Node.js Odigos agent sends (`docs/odigos.md`, "How an agent is identified"), for `session`. */
export function nodeAgentAttributes(session: AgentSession): KeyValue[] {
  const location = placed.get(session);
  return [
    kv('service.name', str('frontend')),
    kv('service.instance.id', str(session.displayId)),
    kv('telemetry.sdk.language', str('nodejs')),
    kv('k8s.namespace.name', str(location?.namespace ?? '')),
    kv('k8s.pod.name', str(location?.podName ?? '')),
    kv('k8s.container.name', str(location?.containerName ?? '')),
    kv('process.vpid', int(location?.processId ?? 0)),
  ];
}

/**
 * Drives `events` the way MessagePipeline does for one message: merges it into the session's status and emits
 * `message` with the fields that changed (and `disconnected` after an agent_disconnect).
 */
export function deliver(
  events: AgentEvents,
  session: AgentSession,
  init: Omit<AgentToServerInit, 'instanceUid'>,
): void {
  const message = AgentToServer.fromPartial({ instanceUid: session.instanceUid, ...init });
  const changed = mergeAgentStatus(session.status, message);
  session.messageCount++;
  events.emit({ type: 'message', session, message, changed });
  if (message.agentDisconnect) events.emit({ type: 'disconnected', session, reason: 'agent-disconnect' });
}

/** The full state a Node.js agent sends first: description + `Starting` health. */
export function connectNodeAgent(events: AgentEvents, session: AgentSession): void {
  events.emit({ type: 'connected', session });
  deliver(events, session, {
    agentDescription: { identifyingAttributes: nodeAgentAttributes(session), nonIdentifyingAttributes: [] },
    health: health({
      healthy: false,
      status: 'Starting',
      lastError: 'Node.js OpenTelemetry agent is starting',
    }),
  });
}

/** A heartbeat: nothing but the remote config status. */
export function heartbeat(events: AgentEvents, session: AgentSession): void {
  deliver(events, session, {
    remoteConfigStatus: { lastRemoteConfigHash: Buffer.from('hash'), status: 1, errorMessage: '' },
  });
}

/** Ends a session as the server does for `reason` (not agent_disconnect: use {@link deliver}). */
export function endSession(
  events: AgentEvents,
  session: AgentSession,
  reason: Exclude<DisconnectReason, 'agent-disconnect'>,
): void {
  events.emit({ type: 'disconnected', session, reason });
}
