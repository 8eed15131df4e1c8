import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AgentCapabilities,
  ServerCapabilities,
  ServerToAgentFlags,
  CommandType,
} from '../../src/generated/opamp/v1/opamp.js';
import { bitmask } from '../../src/modules/protocol/index.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

describe('WebSocket transport', () => {
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);
  const connect = () => pool.connect();

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    pool.closeAll();
  });
  afterAll(() => server.close());

  it('answers each message with one ServerToAgent framed with header 0', async () => {
    const agent = await connect();
    const uid = randomUid();
    const reply = await agent.request({
      instanceUid: uid,
      sequenceNum: 0n,
      agentDescription: description('ws'),
    });
    expect(agent.rawFrames[0]![0]).toBe(0);
    expect(Buffer.from(reply.instanceUid)).toEqual(uid);
    expect(reply.capabilities & BigInt(ServerCapabilities.ServerCapabilities_AcceptsStatus)).not.toBe(0n);
    expect(server.registry.get(uid)?.transport).toBe('websocket');
  });

  it('sends the server capabilities only in the first reply on a connection', async () => {
    const agent = await connect();
    const uid = randomUid();
    await agent.request({ instanceUid: uid, sequenceNum: 0n, agentDescription: description('caps') });
    const second = await agent.request({ instanceUid: uid, sequenceNum: 1n });
    expect(second.capabilities).toBe(0n);
    expect(second.flags & REPORT_FULL_STATE).toBe(0n);
  });

  it('keeps the last full status when the agent omits unchanged fields', async () => {
    const agent = await connect();
    const uid = randomUid();
    await agent.request({
      instanceUid: uid,
      sequenceNum: 0n,
      capabilities: bitmask(AgentCapabilities.AgentCapabilities_ReportsHealth),
      agentDescription: description('compress'),
      health: { healthy: true, status: 'Healthy' },
    });
    await agent.request({ instanceUid: uid, sequenceNum: 1n });
    const session = server.registry.get(uid)!;
    expect(session.status.health?.status).toBe('Healthy');
    expect(session.status.description).toBeDefined();
    await agent.request({
      instanceUid: uid,
      sequenceNum: 2n,
      health: { healthy: false, status: 'AgentFailure' },
    });
    expect(session.status.health).toEqual(
      expect.objectContaining({ healthy: false, status: 'AgentFailure' }),
    );
  });

  it('asks for full state when a capability-promised field is missing from the first message', async () => {
    const agent = await connect();
    const reply = await agent.request({
      instanceUid: randomUid(),
      capabilities: bitmask(AgentCapabilities.AgentCapabilities_ReportsHealth),
      agentDescription: description('no-health'),
    });
    expect(reply.flags & REPORT_FULL_STATE).toBe(REPORT_FULL_STATE);
  });

  it('ends the session when the socket closes', async () => {
    const agent = await connect();
    const uid = randomUid();
    await agent.request({ instanceUid: uid, agentDescription: description('closing') });
    const ended = new Promise<string>((resolve) =>
      server.events.subscribe((event) => {
        if (event.type === 'disconnected' && event.session.instanceUid.equals(uid)) resolve(event.reason);
      }),
    );
    agent.close();
    expect(await ended).toBe('connection-closed');
    expect(server.registry.get(uid)).toBeUndefined();
  });

  it('gives a second live connection with the same uid a new uid', async () => {
    const first = await connect();
    const second = await connect();
    const uid = randomUid();
    await first.request({ instanceUid: uid, agentDescription: description('original') });
    const reply = await second.request({ instanceUid: uid, agentDescription: description('clone') });
    const assigned = Buffer.from(reply.agentIdentification!.newInstanceUid);
    expect(assigned).toHaveLength(16);
    expect(assigned.equals(uid)).toBe(false);
    expect(Buffer.from(reply.instanceUid)).toEqual(uid);
    expect(server.registry.get(uid)?.connection).not.toBe(server.registry.get(assigned)?.connection);
  });

  it('pushes a message to a connected agent at any time', async () => {
    const agent = await connect();
    const uid = randomUid();
    await agent.request({
      instanceUid: uid,
      capabilities: bitmask(AgentCapabilities.AgentCapabilities_AcceptsRestartCommand),
      agentDescription: description('pushed'),
    });
    const session = server.registry.get(uid)!;
    const received = agent.received.length;
    expect(await server.server.push(session, { command: { type: CommandType.CommandType_Restart } })).toBe(
      'sent',
    );
    const pushed = await agent.nextMessage(received);
    expect(pushed.command?.type).toBe(CommandType.CommandType_Restart);
    expect(Buffer.from(pushed.instanceUid)).toEqual(uid);
  });

  it('never sends a command the agent does not accept', async () => {
    const agent = await connect();
    const uid = randomUid();
    await agent.request({ instanceUid: uid, agentDescription: description('no-restart') });
    await server.server.push(server.registry.get(uid)!, {
      command: { type: CommandType.CommandType_Restart },
    });
    const pushed = await agent.nextMessage(1);
    expect(pushed.command).toBeUndefined();
  });

  it('ends every session of a socket on which several agents spoke', async () => {
    const proxy = await connect();
    const uids = [randomUid(), randomUid()];
    for (const uid of uids)
      await proxy.request({ instanceUid: uid, agentDescription: description('multiplexed') });
    expect(uids.every((uid) => server.registry.get(uid))).toBe(true);
    proxy.close();
    await proxy.waitClosed();
    await eventually(() => uids.every((uid) => !server.registry.get(uid)));
  });

  it('serves the next connection normally after a bad one', async () => {
    const bad = await connect();
    bad.sendRaw(Buffer.from([0x00, 0xff, 0xff, 0xff]));
    await bad.nextMessage(0);
    const good = await connect();
    const uid = randomUid();
    const reply = await good.request({ instanceUid: uid, agentDescription: description('good') });
    expect(reply.errorResponse).toBeUndefined();
  });
});
