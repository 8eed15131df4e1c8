import { type AnyValue, type KeyValue } from '../../../../src/generated/opamp/v1/anyvalue.js';
import { AgentToServer, type ComponentHealth } from '../../../../src/generated/opamp/v1/opamp.js';
import {
  type AgentEvents,
  AgentSession,
  type DisconnectReason,
  type KubernetesLocation,
  mergeAgentStatus,
} from '../../../../src/modules/session/index.js';
import { FakeConnection } from '../../../support/fake-connection.js';
import { health as odigosHealth } from '../../../support/odigos-agents/agent-messages.js';

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

let uidCounter = 0;

/**
 * A hand-built session identified the way the Odigos plugin identifies agents (a Kubernetes location with a
 * process id), on a fake HTTP connection.
 */
export function makeSession(location: TestLocation = {}, now = Date.now()): AgentSession {
  const uid = Buffer.from(`0190a0b0-0000-7000-8000-${String(++uidCounter).padStart(12, '0')}`);
  const session = new AgentSession(uid, new FakeConnection('http'), now);
  const kubernetes: KubernetesLocation = {
    namespace: location.namespace ?? 'shop',
    podName: location.podName ?? 'frontend-7d4b9c-x2x9z',
    containerName: location.containerName ?? 'app',
    processId: location.processId ?? 1,
    workload: location.workload ?? { kind: 'Deployment', name: 'frontend' },
    ...(location.podUid !== undefined ? { podUid: location.podUid } : {}),
    language: 'nodejs',
  };
  session.identity = { provider: 'test', kubernetes };
  return session;
}

/** The identifying attributes a Node.js Odigos agent sends (reference/odigos.md §2.5), for `location`. */
export function nodeAgentAttributes(session: AgentSession): KeyValue[] {
  const k = session.identity?.kubernetes;
  return [
    kv('service.name', str('frontend')),
    kv('service.instance.id', str(session.displayId)),
    kv('telemetry.sdk.language', str('nodejs')),
    kv('k8s.namespace.name', str(k?.namespace ?? '')),
    kv('k8s.pod.name', str(k?.podName ?? '')),
    kv('k8s.container.name', str(k?.containerName ?? '')),
    kv('process.vpid', int(k?.processId ?? 0)),
  ];
}

/**
 * Drives `events` the way OpampServer does for one message: merges it into the session's status and emits
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
