import { afterEach, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { ServerErrorResponseType } from '../../src/generated/opamp/v1/opamp.js';
import { OpampWebSocketHandler } from '../../src/modules/transport/index.js';
import { eventually } from '../support/eventually.js';
import { postMessage, postRaw } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsTestAgent } from '../support/ws-agent.js';

describe('connection lifecycle', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers Unavailable with a retry time while draining, and closes WebSockets with 1001', async () => {
    server = await startTestServer({ env: { RETRY_AFTER_S: '42' } });
    const agent = await WsTestAgent.connect(server.wsUrl);
    await agent.request({ instanceUid: randomUid(), agentDescription: description('drained') });
    server.server.drain(42_000);
    await agent.waitClosed();
    expect(agent.closeCode).toBe(1001);
    expect(server.registry.size).toBe(0);
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid() });
    expect(exchange.status).toBe(503);
    expect(exchange.headers['retry-after']).toBe('42');
    const error = exchange.message!.errorResponse!;
    expect(error.type).toBe(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
    expect(error.Details?.value.retryAfterNanoseconds).toBe(42_000_000_000n);
  });

  it('refuses WebSocket upgrades beyond MAX_CONNECTIONS with 503 and Retry-After', async () => {
    server = await startTestServer({ env: { MAX_CONNECTIONS: '1' } });
    const first = await WsTestAgent.connect(server.wsUrl);
    const refused = await new Promise<{ status?: number; retryAfter?: string }>((resolve) => {
      const socket = new WebSocket(server!.wsUrl);
      socket.on('unexpected-response', (_req, res) =>
        resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] }),
      );
      socket.on('open', () => resolve({}));
    });
    expect(refused).toEqual({ status: 503, retryAfter: '30' });
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid() });
    expect(exchange.status).toBe(200);
    first.close();
  });

  it('terminates a WebSocket that stops answering pings', async () => {
    server = await startTestServer();
    const silent = new WebSocket(server.wsUrl, { autoPong: false });
    await new Promise((resolve) => silent.once('open', resolve));
    const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
    const handler = server.app.get(OpampWebSocketHandler);
    handler.pingAll();
    handler.pingAll();
    expect(await closed).toBe(1006);
    await eventually(() => handler.connectionCount === 0);
  });

  it('keeps a WebSocket that answers pings', async () => {
    server = await startTestServer();
    const agent = await WsTestAgent.connect(server.wsUrl);
    const handler = server.app.get(OpampWebSocketHandler);
    for (let i = 0; i < 3; i++) {
      handler.pingAll();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(handler.connectionCount).toBe(1);
    expect(agent.closeCode).toBeUndefined();
    agent.close();
  });

  it('pings only sockets it has not heard from since the last keep-alive tick', async () => {
    server = await startTestServer();
    const handler = server.app.get(OpampWebSocketHandler);
    const pingsOf = (socket: WebSocket): { count: number } => {
      const pings = { count: 0 };
      socket.on('ping', () => pings.count++);
      return pings;
    };
    const talking = await WsTestAgent.connect(server.wsUrl);
    const quiet = new WebSocket(server.wsUrl);
    await new Promise((resolve) => quiet.once('open', resolve));
    const [talkingPings, quietPings] = [pingsOf(talking.socket), pingsOf(quiet)];
    const instanceUid = randomUid();
    for (let tick = 0; tick < 3; tick++) {
      await talking.request({ instanceUid, sequenceNum: BigInt(tick) });
      handler.pingAll();
      await eventually(() => quietPings.count === tick + 1);
    }
    expect(talkingPings.count).toBe(0);
    expect(handler.connectionCount).toBe(2);
    talking.close();
    quiet.close();
  });

  it('serves readiness once the OpAMP listener is up', async () => {
    server = await startTestServer();
    const ready = await fetch(`${server.healthUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual(expect.objectContaining({ status: 'ok' }));
    expect((await fetch(`${server.healthUrl}/healthz`)).status).toBe(200);
    expect((await postRaw(server.opampUrl.replace('/v1/opamp', '/nope'), Buffer.alloc(0))).status).toBe(404);
  });
});
