import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createOpAMPClient,
  DIAG_CH_SEND_SUCCESS,
  RemoteConfigStatuses as ElasticRemoteConfigStatuses,
  type OpAMPClientOptions,
} from '@elastic/opamp-client-node';
import {
  AgentCapabilities,
  RemoteConfigStatuses,
  ServerCapabilities,
  ServerToAgentFlags,
  type AgentToServer,
} from '../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';
import { agentCapabilityNames, bitmask, formatInstanceUid } from '../../src/modules/protocol/index.js';
import { type AgentEvent } from '../../src/modules/session/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The Elastic client under test (0.5.0, HTTP only); its class is not exported, so take it from the factory. */
type ElasticClient = ReturnType<typeof createOpAMPClient>;

/** The shortest heartbeat the Elastic client accepts (it refuses < 100 ms). */
const HEARTBEAT_S = 0.1;
/** Upper bound of every wait: generous next to the 100 ms heartbeat, short next to the Jest timeout. */
const DEADLINE_MS = 3000;
const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

/** One line the Elastic client logged at debug level or above (it logs problems at debug too). */
interface Complaint {
  level: string;
  args: unknown[];
}

/** A pino-shaped logger for the Elastic client that records everything but trace and info. */
function recordingLogger(complaints: Complaint[]): Record<string, (...args: unknown[]) => void> {
  const ignore = (): void => {};
  const record =
    (level: string) =>
    (...args: unknown[]): void => {
      complaints.push({ level, args });
    };
  return {
    trace: ignore,
    debug: record('debug'),
    info: ignore,
    warn: record('warn'),
    error: record('error'),
    fatal: record('fatal'),
  };
}

/** Polls `probe` every few ms until it returns a value other than undefined/false, or fails at the deadline. */
async function waitFor<T>(
  probe: () => T | undefined | false,
  what: string,
  timeoutMs = DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Attributes as a plain object (string, double and bool values), for readable assertions. */
function attributes(keyValues: readonly KeyValue[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of keyValues ?? []) result[key] = value?.value?.value;
  return result;
}

/** What the Elastic client publishes on its `send.success` diagnostics channel (diagEnabled). */
interface SendSuccess {
  instanceUidStr: string;
  s2a: { instanceUid: Uint8Array; capabilities: bigint; flags: bigint };
}

function isSendSuccess(message: unknown): message is SendSuccess {
  return typeof message === 'object' && message !== null && 's2a' in message && 'instanceUidStr' in message;
}

describe('interop: @elastic/opamp-client-node 0.5.0 against opamp-nest (HTTP)', () => {
  let server: TestServer;
  let complaints: Complaint[];
  let running: ElasticClient[];
  let events: AgentEvent[];
  let unsubscribeEvents: () => void;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  beforeEach(() => {
    complaints = [];
    running = [];
    events = [];
    unsubscribeEvents = server.events.subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    unsubscribeEvents();
    await Promise.all(running.map((client) => client.shutdown()));
  });

  /** Creates and starts an Elastic client with a 100 ms heartbeat and a described service. */
  function startElasticClient(
    serviceName: string,
    options: Partial<OpAMPClientOptions> = {},
  ): { client: ElasticClient; uid: Uint8Array } {
    const client = createOpAMPClient({
      endpoint: server.opampUrl,
      heartbeatIntervalSeconds: HEARTBEAT_S,
      log: recordingLogger(complaints),
      ...options,
    });
    client.setAgentDescription({
      identifyingAttributes: { 'service.name': serviceName, 'service.version': '1.2.3' },
      nonIdentifyingAttributes: { 'os.type': 'linux', 'host.name': 'interop-host', 'process.pid': 4242 },
    });
    client.start();
    running.push(client);
    return { client, uid: client.getInstanceUid() };
  }

  /** Stops a client started by {@link startElasticClient} (it refuses a second shutdown). */
  async function stop(client: ElasticClient): Promise<void> {
    running = running.filter((c) => c !== client);
    await client.shutdown();
  }

  /** Messages the server received from the session with this uid, in order. */
  function messagesOf(uid: Uint8Array): AgentToServer[] {
    const id = formatInstanceUid(uid);
    return events.flatMap((e) => (e.type === 'message' && e.session.displayId === id ? [e.message] : []));
  }

  it('connects, reports its agent description and is registered with transport http', async () => {
    const { uid } = startElasticClient('elastic-interop');

    const session = await waitFor(() => server.registry.get(uid), 'the Elastic client in the registry');

    expect(session.transport).toBe('http');
    expect(session.displayId).toBe(formatInstanceUid(uid));
    expect(attributes(session.status.description?.identifyingAttributes)).toEqual({
      'service.name': 'elastic-interop',
      'service.version': '1.2.3',
    });
    // The Elastic client sends JS numbers as doubles.
    expect(attributes(session.status.description?.nonIdentifyingAttributes)).toEqual({
      'os.type': 'linux',
      'host.name': 'interop-host',
      'process.pid': 4242,
    });
    expect(agentCapabilityNames(session.capabilities)).toEqual(['ReportsStatus', 'ReportsHeartbeat']);
    expect(messagesOf(uid)[0]?.sequenceNum).toBe(1n);
    expect(complaints).toEqual([]);
  });

  it('receives a reply for its own uid carrying our server capabilities', async () => {
    const replies: SendSuccess[] = [];
    const onSuccess = (message: unknown): void => {
      if (isSendSuccess(message)) replies.push(message);
    };
    subscribe(DIAG_CH_SEND_SUCCESS, onSuccess);
    try {
      const { uid } = startElasticClient('elastic-diag', { diagEnabled: true });
      const id = formatInstanceUid(uid);

      const reply = await waitFor(
        () => replies.find((r) => r.instanceUidStr === id),
        'the client to process a reply',
      );

      expect(Buffer.from(reply.s2a.instanceUid)).toEqual(Buffer.from(uid));
      const accepts = BigInt(ServerCapabilities.ServerCapabilities_AcceptsStatus);
      expect(reply.s2a.capabilities & accepts).toBe(accepts);
      expect(reply.s2a.flags & REPORT_FULL_STATE).toBe(0n);
      expect(complaints).toEqual([]);
    } finally {
      unsubscribe(DIAG_CH_SEND_SUCCESS, onSuccess);
    }
  });

  it('keeps one session across its heartbeats, which omit the unchanged description', async () => {
    const { uid } = startElasticClient('elastic-heartbeat');
    const first = await waitFor(() => server.registry.get(uid), 'the Elastic client in the registry');

    await waitFor(() => first.messageCount >= 4, 'three heartbeats after the first message');

    expect(server.registry.get(uid)).toBe(first);
    const connects = events.filter((e) => e.type === 'connected' && e.session === first);
    expect(connects).toHaveLength(1);
    expect(events.filter((e) => e.type === 'disconnected' && e.session === first)).toEqual([]);
    const messages = messagesOf(uid);
    expect(messages.map((m) => m.sequenceNum).slice(0, 4)).toEqual([1n, 2n, 3n, 4n]);
    expect(messages.slice(1).every((m) => m.agentDescription === undefined)).toBe(true);
    expect(first.status.description?.identifyingAttributes).toHaveLength(2);
    expect(complaints).toEqual([]);
  });

  it('resends its full state on the poll after the server queues ReportFullState', async () => {
    const { uid } = startElasticClient('elastic-full-state');
    const session = await waitFor(() => server.registry.get(uid), 'the Elastic client in the registry');
    await waitFor(() => messagesOf(uid).length >= 2, 'a heartbeat');
    const before = messagesOf(uid).length;

    await expect(server.server.push(session, { flags: REPORT_FULL_STATE })).resolves.toBe('queued');

    const resent = await waitFor(
      () =>
        messagesOf(uid)
          .slice(before)
          .find((m) => m.agentDescription !== undefined),
      'a message with the agent description',
    );
    expect(attributes(resent.agentDescription?.identifyingAttributes)['service.name']).toBe(
      'elastic-full-state',
    );
    expect(server.registry.get(uid)).toBe(session);
    expect(session.pending).toBeUndefined();
    expect(complaints).toEqual([]);
  });

  it('hands a queued remote config to onMessage and reports it APPLIED', async () => {
    const offered: Array<{ hash: Uint8Array; body: string }> = [];
    const { client, uid } = startElasticClient('elastic-config', {
      capabilities: bitmask(
        AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
        AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
      ),
      onMessage: ({ remoteConfig }) => {
        if (!remoteConfig) return;
        const file = remoteConfig.config?.configMap[''];
        offered.push({ hash: remoteConfig.configHash, body: Buffer.from(file?.body ?? []).toString() });
        client.setRemoteConfigStatus({
          $typeName: 'opamp.proto.RemoteConfigStatus',
          status: ElasticRemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
          lastRemoteConfigHash: remoteConfig.configHash,
          errorMessage: '',
        });
      },
    });
    const session = await waitFor(() => server.registry.get(uid), 'the Elastic client in the registry');
    expect(agentCapabilityNames(session.capabilities)).toEqual(
      expect.arrayContaining(['AcceptsRemoteConfig', 'ReportsRemoteConfig']),
    );
    const hash = Buffer.from('config-v1');

    await server.server.push(session, {
      remoteConfig: {
        config: { configMap: { '': { body: Buffer.from('sampling: 0.5'), contentType: 'text/yaml' } } },
        configHash: hash,
      },
    });

    const status = await waitFor(
      () =>
        session.status.remoteConfigStatus?.status === RemoteConfigStatuses.RemoteConfigStatuses_APPLIED &&
        session.status.remoteConfigStatus,
      'the remote config status APPLIED',
    );
    expect(Buffer.from(status.lastRemoteConfigHash)).toEqual(hash);
    expect(offered).toHaveLength(1);
    expect(Buffer.from(offered[0]!.hash)).toEqual(hash);
    expect(offered[0]!.body).toBe('sampling: 0.5');
    expect(complaints).toEqual([]);
  });

  it('shuts down cleanly mid-conversation and stops polling while the server serves others', async () => {
    const { client, uid } = startElasticClient('elastic-shutdown');
    const session = await waitFor(() => server.registry.get(uid), 'the Elastic client in the registry');
    await waitFor(() => session.messageCount >= 2, 'a heartbeat');

    // The reply to that heartbeat may still be in flight: shutdown waits for it.
    await stop(client);
    const countAtShutdown = session.messageCount;

    // A second client's three heartbeats take as long as three of the first one's would have.
    const { uid: otherUid } = startElasticClient('elastic-after-shutdown');
    const other = await waitFor(() => server.registry.get(otherUid), 'the second client in the registry');
    await waitFor(() => other.messageCount >= 4, 'three heartbeats of the second client');

    expect(session.messageCount).toBe(countAtShutdown);
    // The Elastic client sends no agent_disconnect on shutdown, so the server still lists it.
    expect(server.registry.get(uid)).toBe(session);
    expect(events.filter((e) => e.type === 'disconnected')).toEqual([]);
    expect(complaints).toEqual([]);
  });
});
