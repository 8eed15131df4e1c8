import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ServerErrorResponseType } from '../../src/generated/opamp/v1/opamp.js';
import { FakeKubeApiServer, type KubeConfigFile } from '../support/fake-kube-apiserver/index.js';
import { postMessage } from '../support/http-agent.js';
import { fleetDescription, fleetHealth, fleetRecord, odigosEnv, seedFleet } from '../support/odigos-fleet.js';
import { ServerChild } from '../support/server-process.js';
import { WsTestAgent } from '../support/ws-agent.js';

const UNAVAILABLE = ServerErrorResponseType.ServerErrorResponseType_Unavailable;
const HTTP_AGENTS = [1, 2, 3, 4, 5, 6];
const WS_AGENTS = [7, 8, 9, 10];
const uidOf = (pid: number): Buffer =>
  Buffer.from(`0192a0e4-7c1e-7b3a-9a55-${String(pid).padStart(12, '0')}`);

/** What happened to the messages an agent sent while the server shut down. */
interface Outcomes {
  ok: number;
  /** 503 + Retry-After + Unavailable with retry_info. */
  unavailable: number;
  /** The connection was refused or closed under the request (no answer, no hang). */
  closed: number;
  /** Anything else: a wrong status, a reply without the error, an unknown failure. */
  wrong: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIGTERM under load (node dist/main.js)', () => {
  let api: FakeKubeApiServer;
  let kubeconfig: KubeConfigFile;
  let server: ServerChild | undefined;

  beforeAll(async () => {
    api = await FakeKubeApiServer.start();
    seedFleet(api);
    kubeconfig = await api.writeKubeConfig();
  });
  afterAll(async () => {
    await server?.dispose();
    await api.close();
    await kubeconfig.dispose();
  });

  it('answers or cleanly closes every in-flight message, flushes pending records and exits 0', async () => {
    server = await ServerChild.start({
      ...odigosEnv(kubeconfig.path),
      SHUTDOWN_TIMEOUT_S: '15',
      MAX_MESSAGES_PER_SECOND: '100000',
    });
    const { opampUrl } = server;
    const headers = { 'content-type': 'application/x-protobuf' };
    const sequence = new Map<number, bigint>();
    const next = (pid: number): bigint => {
      const value = (sequence.get(pid) ?? -1n) + 1n;
      sequence.set(pid, value);
      return value;
    };

    // Every agent reports itself; its record is created.
    for (const pid of HTTP_AGENTS) {
      const first = await postMessage(
        opampUrl,
        {
          instanceUid: uidOf(pid),
          sequenceNum: next(pid),
          agentDescription: fleetDescription(pid),
          health: fleetHealth('Starting'),
        },
        headers,
      );
      expect(first.status).toBe(200);
    }
    const ws = await Promise.all(WS_AGENTS.map(() => WsTestAgent.connect(server!.wsUrl)));
    await Promise.all(
      WS_AGENTS.map((pid, i) =>
        ws[i]!.request({
          instanceUid: uidOf(pid),
          sequenceNum: next(pid),
          agentDescription: fleetDescription(pid),
          health: fleetHealth('Starting'),
        }),
      ),
    );
    const all = [...HTTP_AGENTS, ...WS_AGENTS];
    for (const deadline = Date.now() + 10_000; all.some((pid) => !fleetRecord(api, pid));) {
      if (Date.now() > deadline) throw new Error('records were not created');
      await sleep(20);
    }

    // Record writes become slow, then every agent reports a new health: the writes are pending at SIGTERM.
    api.faults.setLatency(250, (r) => r.resource === 'instrumentationinstances' && r.verb === 'update');
    for (const pid of HTTP_AGENTS) {
      const changed = await postMessage(
        opampUrl,
        { instanceUid: uidOf(pid), sequenceNum: next(pid), health: fleetHealth('Degraded', false) },
        headers,
      );
      expect(changed.status).toBe(200);
    }
    await Promise.all(
      WS_AGENTS.map((pid, i) =>
        ws[i]!.request({
          instanceUid: uidOf(pid),
          sequenceNum: next(pid),
          health: fleetHealth('Degraded', false),
        }),
      ),
    );

    // Load keeps running while the server drains.
    let stop = false;
    const http: Outcomes = { ok: 0, unavailable: 0, closed: 0, wrong: [] };
    const httpLoad = HTTP_AGENTS.map(async (pid) => {
      while (!stop) {
        try {
          const exchange = await postMessage(
            opampUrl,
            { instanceUid: uidOf(pid), sequenceNum: next(pid) },
            headers,
          );
          if (exchange.status === 200 && !exchange.message?.errorResponse) http.ok++;
          else if (
            exchange.status === 503 &&
            Number(exchange.headers['retry-after']) > 0 &&
            exchange.message?.errorResponse?.type === UNAVAILABLE &&
            exchange.message.errorResponse.Details?.$case === 'retryInfo'
          )
            http.unavailable++;
          else http.wrong.push(`HTTP ${exchange.status}`);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? '';
          if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code)) http.closed++;
          else http.wrong.push(`${code} ${(error as Error).message}`);
          await sleep(5);
        }
      }
    });
    const wsLoad = WS_AGENTS.map(async (pid, i) => {
      const agent = ws[i]!;
      while (!stop && agent.closeCode === undefined) {
        if (agent.socket.readyState === agent.socket.OPEN)
          agent.send({ instanceUid: uidOf(pid), sequenceNum: next(pid) });
        await sleep(5);
      }
    });
    await sleep(200);
    const okBefore = http.ok;
    server.kill('SIGTERM');
    const exit = await server.exited;
    stop = true;
    await Promise.all([...httpLoad, ...wsLoad]);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(okBefore).toBeGreaterThan(0);
    expect(http.wrong).toEqual([]);
    for (const agent of ws) {
      await agent.waitClosed(2000);
      expect(agent.closeCode).toBe(1001);
      // Every reply the agent got is a served message or an Unavailable refusal.
      for (const reply of agent.received) {
        if (reply.errorResponse) expect(reply.errorResponse.type).toBe(UNAVAILABLE);
      }
    }
    // The writes that were pending at SIGTERM reached the API before the process exited.
    for (const pid of all) {
      const status = fleetRecord(api, pid)?.status as { reason?: string } | undefined;
      expect({ pid, reason: status?.reason }).toEqual({ pid, reason: 'Degraded' });
    }
    expect(server.output).not.toMatch(/"level":50/);
  }, 60_000);
});
