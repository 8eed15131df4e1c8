import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AgentCapabilityError,
  CustomMessages,
  type ReceivedCustomMessage,
} from '../../src/modules/commands/index.js';
import { postMessage } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';
import { eventually } from '../support/eventually.js';

const PAUSE = 'io.example.pause';
const ECHO = 'io.example.echo';

describe('custom capabilities and messages', () => {
  let server: TestServer;
  let custom: CustomMessages;
  const pool = new WsAgentPool(() => server.wsUrl);

  beforeEach(async () => {
    server = await startTestServer({ env: { CUSTOM_CAPABILITIES: `${PAUSE}, ${ECHO}` } });
    custom = server.app.get(CustomMessages);
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
  });

  it('announces CUSTOM_CAPABILITIES in the first reply of each connection only', async () => {
    const agent = await pool.connect();
    const uid = randomUid();
    const first = await agent.request({ instanceUid: uid, agentDescription: description('custom') });
    const second = await agent.request({ instanceUid: uid, sequenceNum: 1n });
    expect(first.customCapabilities?.capabilities).toEqual([PAUSE, ECHO]);
    expect(second.customCapabilities).toBeUndefined();

    custom.advertise('io.example.more');
    const again = await pool.connect();
    const reply = await again.request({ instanceUid: randomUid(), agentDescription: description('later') });
    expect(reply.customCapabilities?.capabilities).toEqual([PAUSE, ECHO, 'io.example.more']);
  });

  it('hands what agents send to the subscribers of its capability', async () => {
    const received: ReceivedCustomMessage[] = [];
    const all: string[] = [];
    custom.subscribe(ECHO, (message) => {
      received.push(message);
    });
    custom.subscribe('*', (message) => {
      all.push(`${message.capability}/${message.type}`);
    });
    const agent = await pool.connect();
    const uid = randomUid();
    await agent.request({
      instanceUid: uid,
      agentDescription: description('talker'),
      customCapabilities: { capabilities: [ECHO] },
      customMessage: { capability: ECHO, type: 'ping', data: Buffer.from('hello') },
    });
    await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      agentDescription: description('other'),
      customMessage: { capability: PAUSE, type: 'paused', data: Buffer.alloc(0) },
    });

    await eventually(() => received.length === 1 && all.length === 2);
    expect(received[0]).toEqual(
      expect.objectContaining({ capability: ECHO, type: 'ping', data: Buffer.from('hello') }),
    );
    expect(received[0]?.session.instanceUid).toEqual(uid);
    expect(all.sort()).toEqual([`${ECHO}/ping`, `${PAUSE}/paused`]);
  });

  it('sends a custom message to an agent that listed the capability: at once over WebSocket, with the next poll over HTTP', async () => {
    const agent = await pool.connect();
    const wsUid = randomUid();
    await agent.request({
      instanceUid: wsUid,
      agentDescription: description('listener'),
      customCapabilities: { capabilities: [PAUSE] },
    });
    const httpUid = randomUid();
    await postMessage(server.opampUrl, {
      instanceUid: httpUid,
      agentDescription: description('poller'),
      customCapabilities: { capabilities: [PAUSE] },
    });

    expect(await custom.send(server.registry.get(wsUid)!, PAUSE, 'pause', '{"seconds":5}')).toBe('sent');
    expect(await custom.send(server.registry.get(httpUid)!, PAUSE, 'pause', Buffer.from([1]))).toBe('queued');

    const pushed = await agent.nextMessage(1);
    expect(pushed.customMessage).toEqual({
      capability: PAUSE,
      type: 'pause',
      data: Buffer.from('{"seconds":5}'),
    });
    const poll = await postMessage(server.opampUrl, { instanceUid: httpUid, sequenceNum: 1n });
    expect(poll.message?.customMessage).toEqual({ capability: PAUSE, type: 'pause', data: Buffer.from([1]) });
  });

  it('refuses to send a custom message of a capability the agent did not list', async () => {
    const agent = await pool.connect();
    const uid = randomUid();
    await agent.request({
      instanceUid: uid,
      agentDescription: description('other'),
      customCapabilities: { capabilities: [ECHO] },
    });
    const sending = custom.send(server.registry.get(uid)!, PAUSE, 'pause', 'x');
    await expect(sending).rejects.toBeInstanceOf(AgentCapabilityError);
    await expect(sending).rejects.toThrow(/did not list the custom capability "io.example.pause"/);
    expect(agent.received).toHaveLength(1);
  });
});
