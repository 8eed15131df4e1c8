import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import {
  ServerErrorResponseType,
  ServerToAgent,
  type ServerToAgent as ServerToAgentMessage,
} from '../../src/generated/opamp/v1/opamp.js';
import { postMessage } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsTestAgent } from '../support/ws-agent.js';

const UNAVAILABLE = ServerErrorResponseType.ServerErrorResponseType_Unavailable;

/** Opens a raw TCP connection to the OpAMP listener. */
function rawConnection(server: TestServer): Promise<Socket> {
  const url = new URL(server.opampUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Milliseconds until the server closes `socket`, and what it sent before. */
function closedAfter(socket: Socket, started: number): Promise<{ ms: number; received: string }> {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.once('close', () => resolve({ ms: Date.now() - started, received })),
  );
}

function expectRetryInfo(message: ServerToAgentMessage | undefined): void {
  expect(message?.errorResponse?.type).toBe(UNAVAILABLE);
  expect(message?.errorResponse?.Details?.$case).toBe('retryInfo');
  expect(message?.errorResponse?.Details?.value.retryAfterNanoseconds).toBeGreaterThan(0n);
}

describe('limits', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('MAX_MESSAGES_PER_SECOND', () => {
    it('answers an HTTP agent over its rate with 429, Retry-After and Unavailable + retry_info', async () => {
      server = await startTestServer({ env: { MAX_MESSAGES_PER_SECOND: '2' } });
      const uid = randomUid();
      const statuses: number[] = [];
      let refused;
      for (let seq = 0; seq < 5; seq++) {
        const exchange = await postMessage(server.opampUrl, {
          instanceUid: uid,
          sequenceNum: BigInt(seq),
          agentDescription: description('chatty'),
        });
        statuses.push(exchange.status);
        if (exchange.status === 429) refused = exchange;
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Buffer.from(refused!.message!.instanceUid)).toEqual(uid);
      expectRetryInfo(refused!.message);
      // Another agent is not affected.
      const other = await postMessage(server.opampUrl, {
        instanceUid: randomUid(),
        agentDescription: description('calm'),
      });
      expect(other.status).toBe(200);
    });

    it('answers WebSocket messages over the rate with Unavailable + retry_info and keeps the socket', async () => {
      server = await startTestServer({ env: { MAX_MESSAGES_PER_SECOND: '2' } });
      const agent = await WsTestAgent.connect(server.wsUrl);
      const uid = randomUid();
      for (let seq = 0; seq < 5; seq++) {
        agent.send({ instanceUid: uid, sequenceNum: BigInt(seq), agentDescription: description('flood') });
      }
      const replies = await Promise.all([0, 1, 2, 3, 4].map((i) => agent.nextMessage(i)));
      expect(replies.slice(0, 4).every((reply) => reply.errorResponse === undefined)).toBe(true);
      expect(Buffer.from(replies[4]!.instanceUid)).toEqual(uid);
      expectRetryInfo(replies[4]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const later = await agent.request({ instanceUid: uid, sequenceNum: 5n });
      expect(later.errorResponse).toBeUndefined();
      expect(agent.closeCode).toBeUndefined();
      agent.close();
    });
  });

  it('refuses WebSocket upgrades beyond MAX_CONNECTIONS with 503, Retry-After and Unavailable + retry_info', async () => {
    server = await startTestServer({ env: { MAX_CONNECTIONS: '1', RETRY_AFTER_S: '7' } });
    const first = await WsTestAgent.connect(server.wsUrl);
    const refused = await new Promise<{ status?: number; retryAfter?: string; body: Buffer }>((resolve) => {
      const socket = new WebSocket(server!.wsUrl);
      socket.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            retryAfter: res.headers['retry-after'],
            body: Buffer.concat(chunks),
          }),
        );
      });
    });
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('7');
    const error = ServerToAgent.decode(refused.body);
    expectRetryInfo(error);
    expect(error.errorResponse?.Details?.value.retryAfterNanoseconds).toBe(7_000_000_000n);
    first.close();
  });

  describe('timeouts', () => {
    it('closes a slow-loris connection that never finishes its headers (HTTP_HEADERS_TIMEOUT_S)', async () => {
      server = await startTestServer({ env: { HTTP_HEADERS_TIMEOUT_S: '0.3' } });
      const socket = await rawConnection(server);
      const started = Date.now();
      const closed = closedAfter(socket, started);
      socket.write('POST /v1/opamp HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
      const { ms, received } = await closed;
      clearInterval(drip);
      expect(ms).toBeLessThan(2000);
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('closes a connection that sends nothing (HTTP_HEADERS_TIMEOUT_S)', async () => {
      server = await startTestServer({ env: { HTTP_HEADERS_TIMEOUT_S: '0.3' } });
      const socket = await rawConnection(server);
      const { ms } = await closedAfter(socket, Date.now());
      expect(ms).toBeLessThan(2000);
    });

    it('answers a body that never completes with 408 (HTTP_REQUEST_TIMEOUT_S)', async () => {
      server = await startTestServer({
        env: { HTTP_HEADERS_TIMEOUT_S: '0.2', HTTP_REQUEST_TIMEOUT_S: '0.4' },
      });
      const socket = await rawConnection(server);
      const closed = closedAfter(socket, Date.now());
      socket.write(
        'POST /v1/opamp HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\nabc',
      );
      const { ms, received } = await closed;
      expect(ms).toBeLessThan(2000);
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_S', async () => {
      server = await startTestServer({ env: { HTTP_KEEP_ALIVE_TIMEOUT_S: '0.3' } });
      const socket = await rawConnection(server);
      const body = Buffer.from([0x0a, 0x01, 0x01]);
      const started = Date.now();
      const closed = closedAfter(socket, started);
      socket.write(
        `POST /v1/opamp HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body);
      const { ms, received } = await closed;
      expect(received).toMatch(/^HTTP\/1\.1 200/);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(2000);
    });

    it('closes a WebSocket that sends no OpAMP message within WS_HANDSHAKE_TIMEOUT_S (1008)', async () => {
      server = await startTestServer({ env: { WS_HANDSHAKE_TIMEOUT_S: '0.3' } });
      const silent = await WsTestAgent.connect(server.wsUrl);
      const speaking = await WsTestAgent.connect(server.wsUrl);
      await speaking.request({ instanceUid: randomUid(), agentDescription: description('talks') });
      await silent.waitClosed(3000);
      expect(silent.closeCode).toBe(1008);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(speaking.closeCode).toBeUndefined();
      speaking.close();
    });
  });
});
