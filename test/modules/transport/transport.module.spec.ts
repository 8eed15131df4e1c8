import { request } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { ServerErrorResponseType } from '../../../src/generated/opamp/v1/opamp.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { AgentRegistry } from '../../../src/modules/session/index.js';
import { OpampListener, TransportModule } from '../../../src/modules/transport/index.js';
import { postMessage, postRaw } from '../../support/http-agent.js';
import { description, encodeAgentToServer, randomUid } from '../../support/opamp-messages.js';
import { WsTestAgent } from '../../support/ws-agent.js';

const PATH = '/opamp';
const ENV = { OPAMP_HOST: '127.0.0.1', OPAMP_PORT: '0', OPAMP_PATH: PATH };

/** The status of a bodiless request, or the error code when the connection fails. */
const statusOf = (url: string, method: string): Promise<{ status?: number; code?: string }> =>
  new Promise((resolve) => {
    const req = request(url, { method }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code }));
    req.end();
  });

describe('TransportModule', () => {
  let moduleRef: TestingModule | undefined;
  let agent: WsTestAgent | undefined;
  afterEach(async () => {
    agent?.close();
    agent = undefined;
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const start = async (env: Record<string, string> = {}): Promise<string> => {
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: { ...ENV, ...env } }), TransportModule],
    }).compile();
    await moduleRef.init();
    const { address, port } = moduleRef.get(OpampListener).address();
    return `${address}:${port}`;
  };

  it('listens on OPAMP_HOST with a free port once started, not before', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: ENV }), TransportModule],
    }).compile();
    const listener = moduleRef.get(OpampListener);
    expect(listener.listening).toBe(false);

    await moduleRef.init();

    expect(listener.listening).toBe(true);
    expect(listener.address()).toMatchObject({ address: '127.0.0.1', port: expect.any(Number) });
    expect(listener.address().port).toBeGreaterThan(0);
  });

  it('answers an HTTP POST of a protobuf AgentToServer with a ServerToAgent and registers the agent', async () => {
    const host = await start();
    const uid = randomUid();

    const exchange = await postMessage(`http://${host}${PATH}`, {
      instanceUid: uid,
      agentDescription: description('poller'),
    });

    expect(exchange.status).toBe(200);
    expect(exchange.headers['content-type']).toBe('application/x-protobuf');
    expect(Buffer.from(exchange.message!.instanceUid)).toEqual(uid);
    expect(exchange.message!.errorResponse).toBeUndefined();
    expect(moduleRef!.get(AgentRegistry).get(uid)?.transport).toBe('http');
  });

  it('answers a body that is not an AgentToServer with 400 and a BadRequest ServerErrorResponse', async () => {
    const host = await start();

    const exchange = await postRaw(`http://${host}${PATH}`, Buffer.from([0xff, 0xff, 0xff]));

    expect(exchange.status).toBe(400);
    expect(exchange.message?.errorResponse?.type).toBe(
      ServerErrorResponseType.ServerErrorResponseType_BadRequest,
    );
  });

  it('answers a message over MAX_MESSAGE_BYTES with 413', async () => {
    const host = await start({ MAX_MESSAGE_BYTES: '512' });
    const body = encodeAgentToServer({
      instanceUid: randomUid(),
      agentDescription: description('x'.repeat(600)),
    });

    const exchange = await postRaw(`http://${host}${PATH}`, body);

    expect(exchange.status).toBe(413);
  });

  it('answers a WebSocket agent on the same path', async () => {
    const host = await start();
    const uid = randomUid();
    agent = await WsTestAgent.connect(`ws://${host}${PATH}`);

    const reply = await agent.request({ instanceUid: uid, agentDescription: description('ws') });

    expect(Buffer.from(reply.instanceUid)).toEqual(uid);
    expect(moduleRef!.get(AgentRegistry).get(uid)?.transport).toBe('websocket');
  });

  it('closes the listener on close(): new connections are refused and WebSockets closed', async () => {
    const host = await start();
    agent = await WsTestAgent.connect(`ws://${host}${PATH}`);
    await agent.request({ instanceUid: randomUid(), agentDescription: description('ws') });
    const listener = moduleRef!.get(OpampListener);

    await moduleRef!.close();
    moduleRef = undefined;

    expect(listener.listening).toBe(false);
    await agent.waitClosed();
    expect(agent.closeCode).toBe(1001);
    expect(await statusOf(`http://${host}${PATH}`, 'POST')).toEqual({ code: 'ECONNREFUSED' });
  });
});
