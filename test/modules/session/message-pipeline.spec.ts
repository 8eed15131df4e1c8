import { beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AgentCapabilities,
  AgentToServerFlags,
  CommandType,
  ServerCapabilities,
  ServerToAgentFlags,
} from '../../../src/generated/opamp/v1/opamp.js';
import { CLOCK } from '../../../src/common/clock.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { OpampPlugin } from '../../../src/modules/plugins/index.js';
import { type AgentIdentity, type AgentView, type OpampPluginHooks } from '../../../src/plugin-api/index.js';
import { bitmask, ServerUnavailableError } from '../../../src/modules/protocol/index.js';
import {
  AgentEvents,
  AgentRegistry,
  MessagePipeline,
  SessionModule,
  type AgentEvent,
} from '../../../src/modules/session/index.js';
import { FakeClock, FakeConnection } from '../../support/fake-connection.js';
import { agentToServer, description, randomUid } from '../../support/opamp-messages.js';

const FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

describe('MessagePipeline', () => {
  let server: MessagePipeline;
  let registry: AgentRegistry;
  let clock: FakeClock;
  let events: AgentEvent[];

  beforeEach(async () => {
    clock = new FakeClock();
    const moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: {} }), SessionModule],
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    server = moduleRef.get(MessagePipeline);
    registry = moduleRef.get(AgentRegistry);
    events = [];
    moduleRef.get(AgentEvents).subscribe((event) => events.push(event));
  });

  const handle = (connection: FakeConnection, init: Parameters<typeof agentToServer>[0]) =>
    server.handle(connection, agentToServer(init));

  it('registers a new agent that reports its full state without asking for more', async () => {
    const uid = randomUid();
    const reply = await handle(new FakeConnection(), {
      instanceUid: uid,
      agentDescription: description('a'),
    });
    expect(reply.flags & FULL_STATE).toBe(0n);
    expect(reply.instanceUid).toEqual(uid);
    expect(registry.get(uid)?.firstSeenAt).toBe(clock.now());
    expect(events.map((e) => e.type)).toEqual(['connected', 'message']);
  });

  it('asks for full state on a gap but not on a retry or from an agent that never numbers messages', async () => {
    const connection = new FakeConnection();
    const uid = randomUid();
    await handle(connection, { instanceUid: uid, sequenceNum: 4n, agentDescription: description('a') });
    expect((await handle(connection, { instanceUid: uid, sequenceNum: 5n })).flags).toBe(0n);
    expect((await handle(connection, { instanceUid: uid, sequenceNum: 5n })).flags).toBe(0n);
    expect((await handle(connection, { instanceUid: uid, sequenceNum: 9n })).flags & FULL_STATE).toBe(
      FULL_STATE,
    );
    const silent = randomUid();
    await handle(connection, { instanceUid: silent, agentDescription: description('b') });
    for (let i = 0; i < 3; i++) expect((await handle(connection, { instanceUid: silent })).flags).toBe(0n);
  });

  it('reports which status fields changed, and only when they did', async () => {
    const connection = new FakeConnection();
    const uid = randomUid();
    const health = { healthy: true, status: 'Healthy' };
    await handle(connection, { instanceUid: uid, agentDescription: description('a'), health });
    await handle(connection, { instanceUid: uid, sequenceNum: 1n, health });
    await handle(connection, { instanceUid: uid, sequenceNum: 2n, health: { ...health, healthy: false } });
    const changes = events.flatMap((e) => (e.type === 'message' ? [e.changed] : []));
    expect(changes).toEqual([['description', 'health'], [], ['health']]);
  });

  it('tracks when each agent was last seen', async () => {
    const uid = randomUid();
    await handle(new FakeConnection('http'), { instanceUid: uid, agentDescription: description('a') });
    clock.advance(30_000);
    await handle(new FakeConnection('http'), { instanceUid: uid, sequenceNum: 1n });
    expect(registry.get(uid)!.lastSeenAt - registry.get(uid)!.firstSeenAt).toBe(30_000);
  });

  it('moves a known agent to a new uid on RequestInstanceUid and says so', async () => {
    const connection = new FakeConnection();
    const uid = randomUid();
    await handle(connection, { instanceUid: uid, agentDescription: description('a') });
    const reply = await handle(connection, {
      instanceUid: uid,
      sequenceNum: 1n,
      flags: BigInt(AgentToServerFlags.AgentToServerFlags_RequestInstanceUid),
    });
    const assigned = reply.agentIdentification!.newInstanceUid;
    expect(registry.get(uid)).toBeUndefined();
    expect(registry.get(assigned)?.status.description).toBeDefined();
    expect(events.at(-2)).toMatchObject({ type: 'uid-changed', previousDisplayId: expect.any(String) });
  });

  it('ends the session on agent_disconnect', async () => {
    const uid = randomUid();
    await handle(new FakeConnection(), {
      instanceUid: uid,
      agentDescription: description('a'),
      agentDisconnect: {},
    });
    expect(registry.size).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'disconnected', reason: 'agent-disconnect' });
  });

  it('queues pushes for an HTTP agent and delivers them on its next poll, within its capabilities', async () => {
    const uid = randomUid();
    const caps = bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus);
    await handle(new FakeConnection('http'), {
      instanceUid: uid,
      capabilities: caps,
      agentDescription: description('a'),
    });
    const session = registry.get(uid)!;
    expect(await server.push(session, { flags: FULL_STATE })).toBe('queued');
    expect(await server.push(session, { command: { type: CommandType.CommandType_Restart } })).toBe('queued');
    const reply = await handle(new FakeConnection('http'), {
      instanceUid: uid,
      sequenceNum: 1n,
      capabilities: caps,
    });
    expect(reply.flags & FULL_STATE).toBe(FULL_STATE);
    expect(reply.command).toBeUndefined();
    expect(session.pending).toBeUndefined();
  });

  it('pushes to a WebSocket agent at once, with the server capabilities if not yet sent', async () => {
    const connection = new FakeConnection();
    const uid = randomUid();
    const first = await handle(connection, { instanceUid: uid, agentDescription: description('a') });
    expect(first.capabilities & BigInt(ServerCapabilities.ServerCapabilities_AcceptsStatus)).not.toBe(0n);
    expect(await server.push(registry.get(uid)!, { flags: FULL_STATE })).toBe('sent');
    expect(connection.pushed).toHaveLength(1);
    expect(connection.pushed[0]!.capabilities).toBe(0n);
  });

  it('closes the WebSocket of an agent it ends as stale', async () => {
    const connection = new FakeConnection();
    const uid = randomUid();
    await handle(connection, { instanceUid: uid, agentDescription: description('a') });
    const session = registry.get(uid)!;
    server.disconnect(session, 'stale');
    expect(connection.closed?.code).toBe(1008);
    expect(events.at(-1)).toMatchObject({ type: 'disconnected', reason: 'stale' });
    server.disconnect(session, 'stale');
    expect(events.filter((e) => e.type === 'disconnected')).toHaveLength(1);
  });

  it('refuses messages with Unavailable once draining', async () => {
    server.drain(5000);
    await expect(handle(new FakeConnection(), { instanceUid: randomUid() })).rejects.toBeInstanceOf(
      ServerUnavailableError,
    );
  });

  it('keeps serving when an event listener throws', async () => {
    const moduleEvents = (server as unknown as { events: AgentEvents }).events;
    moduleEvents.subscribe(() => {
      throw new Error('listener bug');
    });
    const reply = await handle(new FakeConnection(), {
      instanceUid: randomUid(),
      agentDescription: description('a'),
    });
    expect(reply.errorResponse).toBeUndefined();
  });
});

describe('MessagePipeline: a first message whose identity cannot be decided', () => {
  const connected: string[] = [];
  let failures = 1;

  @OpampPlugin({ name: 'flaky-identity' })
  @Injectable()
  class FlakyIdentityPlugin implements OpampPluginHooks {
    identify(): AgentIdentity {
      if (failures-- > 0) throw new ServerUnavailableError('kubelet answered 503', 5000);
      return { provider: 'flaky-identity', labels: { placed: 'yes' } };
    }

    onConnect(agent: AgentView): void {
      connected.push(agent.displayId);
    }
  }

  it('forgets the session, so the retry is a first message again: full state asked, onConnect called', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: {} }), SessionModule],
      providers: [FlakyIdentityPlugin],
    }).compile();
    await moduleRef.init();
    const pipeline = moduleRef.get(MessagePipeline);
    const registry = moduleRef.get(AgentRegistry);
    const uid = randomUid();
    const message = agentToServer({
      instanceUid: uid,
      capabilities: bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus),
    });

    await expect(pipeline.handle(new FakeConnection(), message)).rejects.toBeInstanceOf(
      ServerUnavailableError,
    );
    expect(registry.get(uid)).toBeUndefined();
    expect(connected).toEqual([]);

    const retry = await pipeline.handle(new FakeConnection(), message);
    expect(retry.flags & FULL_STATE).toBe(FULL_STATE);
    expect(registry.get(uid)?.identity?.labels).toEqual({ placed: 'yes' });
    expect(connected).toHaveLength(1);
    await moduleRef.close();
  });
});
