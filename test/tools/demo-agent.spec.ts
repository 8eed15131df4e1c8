import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  main,
  parseDemoAgentArgs,
  runDemoAgent,
  type DemoAgentOptions,
} from '../../tools/demo-agent/demo-agent.js';
import {
  CommandType,
  RemoteConfigStatuses,
  ServerToAgentFlags,
  type AgentToServer,
} from '../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';
import { agentCapabilityNames, formatInstanceUid } from '../../src/modules/protocol/index.js';
import { type AgentEvent, type AgentSession } from '../../src/modules/session/index.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsTestAgent } from '../support/ws-agent.js';

type Transport = DemoAgentOptions['transport'];

const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

/** String attributes as a plain object. */
function attributes(keyValues: readonly KeyValue[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of keyValues ?? []) result[key] = value?.value?.value;
  return result;
}

/** A 127.0.0.1 port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('demo agent', () => {
  let server: TestServer;
  let events: AgentEvent[];
  let unsubscribe: () => void;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    events = [];
    unsubscribe = server.events.subscribe((event) => events.push(event));
  });
  afterEach(() => unsubscribe());

  const urlOf = (transport: Transport): string => (transport === 'ws' ? server.wsUrl : server.opampUrl);
  const serverTransport = (transport: Transport): string => (transport === 'ws' ? 'websocket' : 'http');

  /** Messages the server received for `session`, in order. */
  const messagesOf = (session: AgentSession | undefined): AgentToServer[] =>
    events.flatMap((e) => (e.type === 'message' && e.session === session ? [e.message] : []));

  /** The session the server opened for the agent with this service name. */
  const sessionOf = (serviceName: string): AgentSession | undefined =>
    events.find(
      (e) =>
        e.type === 'connected' &&
        attributes(e.session.status.description?.identifyingAttributes)['service.name'] === serviceName,
    )?.session;

  it.each<Transport>(['ws', 'http'])(
    'over %s: reports its full state, sends heartbeats and ends with agent_disconnect',
    async (transport) => {
      const lines: string[] = [];
      const name = `demo-${transport}`;

      const result = await runDemoAgent(
        { url: urlOf(transport), transport, name, count: 3, intervalMs: 5 },
        (line) => lines.push(line),
      );

      const session = sessionOf(name);
      expect(session?.transport).toBe(serverTransport(transport));
      expect(session?.displayId).toBe(formatInstanceUid(result.instanceUid));
      const messages = messagesOf(session);
      expect(messages.map((m) => m.sequenceNum)).toEqual([1n, 2n, 3n, 4n]);
      const [first] = messages;
      expect(attributes(first?.agentDescription?.identifyingAttributes)).toEqual({
        'service.name': name,
        'service.version': expect.any(String),
      });
      expect(Object.keys(attributes(first?.agentDescription?.nonIdentifyingAttributes))).toEqual([
        'host.name',
        'os.type',
      ]);
      expect(first?.health?.healthy).toBe(true);
      expect(agentCapabilityNames(first?.capabilities ?? 0n)).toEqual([
        'ReportsStatus',
        'AcceptsRemoteConfig',
        'AcceptsRestartCommand',
        'ReportsHealth',
        'ReportsRemoteConfig',
        'ReportsHeartbeat',
      ]);
      expect(messages.slice(1, 3).map((m) => m.agentDescription)).toEqual([undefined, undefined]);
      expect(messages[3]?.agentDisconnect).toBeDefined();
      expect(events.filter((e) => e.type === 'disconnected' && e.session === session)).toEqual([
        expect.objectContaining({ reason: 'agent-disconnect' }),
      ]);
      expect(server.registry.get(result.instanceUid)).toBeUndefined();
      expect(result.messagesSent).toBe(3);

      const replies = lines.filter((line) => line.startsWith('recv reply'));
      expect(replies).toHaveLength(4);
      expect(replies[0]).toContain(`uid=${session?.displayId}`);
      expect(replies[0]).toMatch(/ flags=- capabilities=AcceptsStatus\|\S+ error=-$/);
      expect(lines.at(-1)).toBe('demo-agent disconnected after 3 message(s)');
    },
  );

  it.each<Transport>(['ws', 'http'])(
    'over %s: answers ReportFullState from the server with its full state',
    async (transport) => {
      const lines: string[] = [];
      const name = `demo-full-state-${transport}`;
      const print = (line: string): void => {
        lines.push(line);
        // Once the first reply is in, the server asks again: pushed at once over ws, queued for http.
        const session = sessionOf(name);
        if (line.startsWith('recv reply') && session && messagesOf(session).length === 1) {
          void server.server.push(session, { flags: REPORT_FULL_STATE });
        }
      };

      // Over ws the agent answers the push at once, long before its interval; over http the flag rides
      // on the reply to the next heartbeat.
      const options = transport === 'ws' ? { count: 2, intervalMs: 60_000 } : { count: 3, intervalMs: 5 };
      await runDemoAgent({ url: urlOf(transport), transport, name, ...options }, print);

      const messages = messagesOf(sessionOf(name));
      const withDescription = messages.filter((m) => m.agentDescription !== undefined);
      expect(withDescription.map((m) => m.sequenceNum)).toEqual(transport === 'ws' ? [1n, 2n] : [1n, 3n]);
      expect(withDescription[1]?.health?.healthy).toBe(true);
      expect(lines).toContainEqual(expect.stringMatching(/^recv (push |reply) .*flags=ReportFullState /));
      expect(lines).toContain(
        `sent #${transport === 'ws' ? 2 : 3} full state seq=${withDescription[1]?.sequenceNum}`,
      );
    },
  );

  it('reports a remote config from the server as APPLIED in its next message', async () => {
    const name = 'demo-remote-config';
    const hash = Buffer.from('cfg-1');
    const print = (line: string): void => {
      const session = sessionOf(name);
      if (line.startsWith('recv reply') && session && messagesOf(session).length === 1) {
        void server.server.push(session, {
          remoteConfig: {
            config: { configMap: { '': { body: Buffer.from('level: debug'), contentType: 'text/yaml' } } },
            configHash: hash,
          },
        });
      }
    };

    await runDemoAgent({ url: server.wsUrl, transport: 'ws', name, count: 2, intervalMs: 5 }, print);

    const [, second] = messagesOf(sessionOf(name));
    expect(second?.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
    expect(Buffer.from(second?.remoteConfigStatus?.lastRemoteConfigHash ?? [])).toEqual(hash);
  });

  it('starts over with its full state when the server sends the restart command', async () => {
    const name = 'demo-restart';
    const lines: string[] = [];
    const print = (line: string): void => {
      lines.push(line);
      const session = sessionOf(name);
      if (line.startsWith('recv reply') && session && messagesOf(session).length === 1) {
        void server.server.push(session, { command: { type: CommandType.CommandType_Restart } });
      }
    };

    await runDemoAgent({ url: server.wsUrl, transport: 'ws', name, count: 2, intervalMs: 60_000 }, print);

    const [, second] = messagesOf(sessionOf(name));
    expect(second?.agentDescription).toBeDefined();
    expect(lines).toContainEqual(expect.stringMatching(/^recv push .* command=Restart /));
    expect(lines).toContain('     restart command received; restarting (reporting the full state again)');
  });

  it('adopts the instance uid the server assigns when its uid is already taken', async () => {
    const uid = randomUid();
    const holder = await WsTestAgent.connect(server.wsUrl);
    await holder.request({ instanceUid: uid, sequenceNum: 1n, agentDescription: description('holder') });
    const lines: string[] = [];

    const result = await runDemoAgent(
      { url: server.wsUrl, transport: 'ws', name: 'demo-adopt', count: 2, intervalMs: 5, instanceUid: uid },
      (line) => lines.push(line),
    );
    holder.close();

    expect(Buffer.compare(result.instanceUid, uid)).not.toBe(0);
    const session = sessionOf('demo-adopt');
    expect(session?.displayId).toBe(formatInstanceUid(result.instanceUid));
    const messages = messagesOf(session);
    expect(messages.map((m) => formatInstanceUid(m.instanceUid))).toEqual([
      formatInstanceUid(uid),
      session?.displayId,
      session?.displayId,
    ]);
    expect(messages[2]?.agentDisconnect).toBeDefined();
    expect(lines).toContainEqual(expect.stringContaining(`new_uid=${session?.displayId}`));
    expect(server.registry.get(result.instanceUid)).toBeUndefined();
  });

  it.each<Transport>(['ws', 'http'])(
    'over %s: exits 1 with a clear message when the server is unreachable',
    async (transport) => {
      const url = `${transport}://127.0.0.1:${await closedPort()}/v1/opamp`;
      const out: string[] = [];
      const err: string[] = [];

      const code = await main(
        ['--url', url, '--transport', transport],
        {},
        (l) => out.push(l),
        (l) => err.push(l),
      );

      expect(code).toBe(1);
      expect(err).toEqual([`demo-agent: cannot reach the OpAMP server at ${url} (ECONNREFUSED)`]);
    },
  );

  it('reads its options from argv, then DEMO_AGENT_* variables, then defaults', () => {
    expect(parseDemoAgentArgs([])).toEqual({
      url: 'ws://127.0.0.1:4320/v1/opamp',
      transport: 'ws',
      name: 'demo-agent',
      count: 3,
      intervalMs: 1000,
    });
    expect(parseDemoAgentArgs(['--transport', 'http'])).toMatchObject({
      url: 'http://127.0.0.1:4320/v1/opamp',
      transport: 'http',
    });
    expect(parseDemoAgentArgs(['--url', 'http://opamp.local:4320/v1/opamp'])).toMatchObject({
      transport: 'http',
    });
    expect(
      parseDemoAgentArgs(['--count', '7', '--interval-ms', '0'], {
        DEMO_AGENT_NAME: 'from-env',
        DEMO_AGENT_COUNT: '5',
        DEMO_AGENT_URL: 'wss://opamp.example/v1/opamp',
        DEMO_AGENT_TRANSPORT: 'http',
      }),
    ).toEqual({
      url: 'https://opamp.example/v1/opamp',
      transport: 'http',
      name: 'from-env',
      count: 7,
      intervalMs: 0,
    });
    expect(parseDemoAgentArgs(['--help'])).toBe('help');
  });

  it('refuses bad options with exit code 2 and the usage', async () => {
    for (const argv of [['--count', '0'], ['--transport', 'grpc'], ['--bogus'], ['--url', 'ftp://x/']]) {
      const err: string[] = [];
      await expect(
        main(
          argv,
          {},
          () => {},
          (l) => err.push(l),
        ),
      ).resolves.toBe(2);
      expect(err[0]).toMatch(/^demo-agent: /);
      expect(err[1]).toMatch(/^usage: demo-agent/);
    }
  });
});
