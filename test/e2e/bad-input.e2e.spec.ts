import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ServerErrorResponseType } from '../../src/generated/opamp/v1/opamp.js';
import { postMessage, postRaw, type HttpExchange } from '../support/http-agent.js';
import { description, encodeAgentToServer, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const LIMIT = 4096;
const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const BAD_REQUEST = ServerErrorResponseType.ServerErrorResponseType_BadRequest;

describe('bad input', () => {
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);
  const connect = () => pool.connect();

  /** After every refusal, a valid agent must still be served. */
  const expectServedNormally = async (): Promise<void> => {
    const uid = randomUid();
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: uid,
      agentDescription: description('ok'),
    });
    expect(exchange.status).toBe(200);
    expect(exchange.message?.errorResponse).toBeUndefined();
    expect(server.registry.get(uid)).toBeDefined();
  };

  const expectBadRequest = (exchange: HttpExchange, status: number): void => {
    expect(exchange.status).toBe(status);
    expect(exchange.headers['content-type']).toBe('application/x-protobuf');
    expect(exchange.message?.errorResponse?.type).toBe(BAD_REQUEST);
    expect(exchange.message?.errorResponse?.errorMessage).not.toBe('');
  };

  beforeAll(async () => {
    server = await startTestServer({ env: { MAX_MESSAGE_BYTES: String(LIMIT), WS_MAX_BAD_MESSAGES: '3' } });
  });
  afterEach(async () => {
    pool.closeAll();
    await expectServedNormally();
  });
  afterAll(() => server.close());

  describe('over HTTP', () => {
    it('answers bytes that are not protobuf with 400 and a BadRequest error_response', async () => {
      expectBadRequest(await postRaw(server.opampUrl, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff])), 400);
    });

    it('answers a truncated message with 400', async () => {
      const whole = encodeAgentToServer({ instanceUid: randomUid(), agentDescription: description('cut') });
      expectBadRequest(await postRaw(server.opampUrl, whole.subarray(0, whole.length - 3)), 400);
    });

    it('answers an empty instance uid with 400', async () => {
      const exchange = await postMessage(server.opampUrl, { agentDescription: description('anonymous') });
      expectBadRequest(exchange, 400);
      expect(exchange.message?.errorResponse?.errorMessage).toMatch(/instance_uid is empty/);
    });

    it('answers an instance uid over 64 bytes with 400', async () => {
      expectBadRequest(await postMessage(server.opampUrl, { instanceUid: Buffer.alloc(65, 1) }), 400);
    });

    it('answers a body over MAX_MESSAGE_BYTES with 413', async () => {
      const huge = encodeAgentToServer({
        instanceUid: randomUid(),
        agentDescription: description('x'.repeat(LIMIT)),
      });
      expectBadRequest(await postRaw(server.opampUrl, huge), 413);
    });

    it('answers a gzip bomb with 413, inflating no more than the limit', async () => {
      const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(LIMIT);
      expectBadRequest(
        await postRaw(server.opampUrl, bomb, { ...PROTOBUF, 'content-encoding': 'gzip' }),
        413,
      );
    });

    it('answers a body that is not gzip despite Content-Encoding: gzip with 400', async () => {
      const exchange = await postRaw(server.opampUrl, encodeAgentToServer({ instanceUid: randomUid() }), {
        ...PROTOBUF,
        'content-encoding': 'gzip',
      });
      expectBadRequest(exchange, 400);
    });

    it('answers an unsupported Content-Encoding with 415', async () => {
      const exchange = await postRaw(server.opampUrl, encodeAgentToServer({ instanceUid: randomUid() }), {
        ...PROTOBUF,
        'content-encoding': 'br',
      });
      expectBadRequest(exchange, 415);
    });

    it('answers another Content-Type with 415', async () => {
      const body = encodeAgentToServer({ instanceUid: randomUid() });
      expectBadRequest(await postRaw(server.opampUrl, body, { 'content-type': 'application/json' }), 415);
      expectBadRequest(await postRaw(server.opampUrl, body, {}), 415);
    });

    it('answers other methods with 405 and names the allowed ones', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const exchange = await postRaw(server.opampUrl, Buffer.alloc(0), {}, method);
        expect(exchange.status).toBe(405);
        expect(exchange.headers.allow).toBe('GET, POST');
      }
    });
  });

  describe('over WebSocket', () => {
    it('answers a text message with a BadRequest error_response and keeps the socket open', async () => {
      const agent = await connect();
      agent.sendRaw('hello');
      const reply = await agent.nextMessage(0);
      expect(reply.errorResponse?.type).toBe(BAD_REQUEST);
      const uid = randomUid();
      const good = await agent.request({ instanceUid: uid, agentDescription: description('after-text') });
      expect(good.errorResponse).toBeUndefined();
      expect(Buffer.from(good.instanceUid)).toEqual(uid);
    });

    it('answers a message with a non-zero header with a BadRequest error_response', async () => {
      const agent = await connect();
      agent.sendRaw(Buffer.concat([Buffer.from([1]), encodeAgentToServer({ instanceUid: randomUid() })]));
      expect((await agent.nextMessage(0)).errorResponse?.errorMessage).toMatch(/header 1/);
    });

    it('answers a header-less (legacy) message with a BadRequest error_response', async () => {
      const agent = await connect();
      agent.sendRaw(
        encodeAgentToServer({ instanceUid: randomUid(), agentDescription: description('legacy') }),
      );
      expect((await agent.nextMessage(0)).errorResponse?.type).toBe(BAD_REQUEST);
    });

    it('closes the socket with 1008 after repeated bad messages', async () => {
      const agent = await connect();
      for (let i = 0; i < 3; i++) agent.sendRaw(Buffer.from([0, 0xff]));
      await agent.waitClosed();
      expect(agent.closeCode).toBe(1008);
      expect(agent.received.every((reply) => reply.errorResponse?.type === BAD_REQUEST)).toBe(true);
    });

    it('closes the socket with 1009 when a message exceeds MAX_MESSAGE_BYTES', async () => {
      const agent = await connect();
      agent.send({ instanceUid: randomUid(), agentDescription: description('y'.repeat(LIMIT * 2)) });
      await agent.waitClosed();
      expect(agent.closeCode).toBe(1009);
    });

    it('keeps serving other sockets while one misbehaves', async () => {
      const bad = await connect();
      const good = await connect();
      bad.sendRaw(Buffer.from([0, 0x12, 0x34]));
      const uid = randomUid();
      const reply = await good.request({ instanceUid: uid, agentDescription: description('neighbour') });
      expect(reply.errorResponse).toBeUndefined();
    });
  });
});
