import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { ServerToAgent, ServerToAgentFlags } from '../../src/generated/opamp/v1/opamp.js';
import { KUBE_CONFIG } from '../../src/modules/kubernetes/index.js';
import { eventually } from '../support/eventually.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { postMessage } from '../support/http-agent.js';
import { encodeAgentToServer } from '../support/opamp-messages.js';
import { fleetDescription, fleetHealth, fleetRecord, seedFleet } from '../support/odigos-fleet.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);
const uidOf = (pid: number): Buffer =>
  Buffer.from(`0192a0e4-7c1e-7b3a-9a55-${String(pid).padStart(12, '0')}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An agent that follows the protocol: full state when asked, reconnects (WebSocket) or retries (HTTP). */
class ReconnectingAgent {
  private sequenceNum = 0n;
  private needsFullState = true;
  private socket?: WebSocket;
  private stopped = false;
  /** ReportFullState requests received. */
  fullStateRequests = 0;

  constructor(
    readonly pid: number,
    private readonly transport: 'http' | 'websocket',
    private readonly url: () => { http: string; ws: string },
  ) {}

  start(): void {
    if (this.transport === 'http') void this.poll();
    else this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }

  private message(): Parameters<typeof encodeAgentToServer>[0] {
    const full = this.needsFullState;
    this.needsFullState = false;
    return {
      instanceUid: uidOf(this.pid),
      sequenceNum: this.sequenceNum++,
      ...(full ? { agentDescription: fleetDescription(this.pid), health: fleetHealth('Healthy') } : {}),
    };
  }

  private onReply(reply: ServerToAgent): void {
    if ((reply.flags & REPORT_FULL_STATE) !== 0n) {
      this.fullStateRequests++;
      this.needsFullState = true;
    }
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      try {
        const exchange = await postMessage(this.url().http, this.message());
        if (exchange.message) this.onReply(exchange.message);
      } catch {
        // the server is restarting
      }
      await sleep(20);
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.url().ws);
    this.socket = socket;
    let timer: NodeJS.Timeout | undefined;
    socket.on('open', () => {
      const send = (): void => {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(Buffer.concat([Buffer.from([0]), encodeAgentToServer(this.message())]));
        }
      };
      send();
      timer = setInterval(send, 30);
    });
    socket.on('message', (data: Buffer) => this.onReply(ServerToAgent.decode(data.subarray(1))));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      setTimeout(() => this.connect(), 50);
    });
  }
}

describe('restart', () => {
  let api: FakeKubeApiServer;
  let server: TestServer | undefined;
  const agents: ReconnectingAgent[] = [];

  const start = (port: string): Promise<TestServer> =>
    startTestServer({
      env: {
        OPAMP_PORT: port,
        PLUGINS: 'odigos',
        ODIGOS_IDENTITY: 'attributes',
        PERSISTENCE: 'kubernetes',
        CONFIG_STORE: 'memory',
        NODE_NAME: 'node-1',
        MAX_MESSAGES_PER_SECOND: '10000',
      },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(api.kubeConfig()),
    });

  beforeAll(async () => {
    api = await FakeKubeApiServer.start();
    seedFleet(api);
  });
  afterAll(async () => {
    for (const agent of agents) agent.stop();
    await server?.close();
    await api.close();
  });

  it('rebuilds its registry from reconnecting agents, asking each for its full state, and loses no record', async () => {
    server = await start('0');
    const port = new URL(server.opampUrl).port;
    const urls = { http: server.opampUrl, ws: server.wsUrl };
    for (const pid of [1, 2, 3, 4]) agents.push(new ReconnectingAgent(pid, 'http', () => urls));
    for (const pid of [5, 6, 7, 8]) agents.push(new ReconnectingAgent(pid, 'websocket', () => urls));
    for (const agent of agents) agent.start();
    const known = (s: TestServer): boolean =>
      agents.every((a) => s.registry.get(uidOf(a.pid))?.status.description !== undefined);
    await eventually(
      () => known(server!) && agents.every((a) => fleetRecord(api, a.pid)),
      10_000,
      'agents known',
    );
    const before = new Map(agents.map((a) => [a.pid, fleetRecord(api, a.pid)!.metadata.uid]));
    const requestsBefore = new Map(agents.map((a) => [a.pid, a.fullStateRequests]));

    await server.close();
    server = await start(port);
    const restarted = server;
    await eventually(() => known(restarted), 10_000, 'agents known again after the restart');

    for (const agent of agents) {
      const session = restarted.registry.get(uidOf(agent.pid))!;
      expect(session.identity?.attributes?.['process.pid']).toBe(agent.pid);
      expect(session.status.health?.status).toBe('Healthy');
      // The new server did not know the agent: it asked for the full state.
      expect(agent.fullStateRequests).toBeGreaterThan(requestsBefore.get(agent.pid)!);
      // Same record, never deleted and re-created.
      expect(fleetRecord(api, agent.pid)?.metadata.uid).toBe(before.get(agent.pid));
    }
  }, 40_000);
});
