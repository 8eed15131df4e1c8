import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { AgentCapabilities, CommandType } from '../../../src/generated/opamp/v1/opamp.js';
import {
  AgentCapabilityError,
  AgentCommands,
  CommandsModule,
  CustomMessages,
  type ReceivedCustomMessage,
} from '../../../src/modules/commands/index.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { bitmask } from '../../../src/modules/protocol/index.js';
import { AgentRegistry, MessagePipeline, type AgentSession } from '../../../src/modules/session/index.js';
import { eventually } from '../../support/eventually.js';
import { FakeConnection } from '../../support/fake-connection.js';
import { agentToServer, description, randomUid } from '../../support/opamp-messages.js';

const RESTARTABLE = bitmask(AgentCapabilities.AgentCapabilities_AcceptsRestartCommand);
const PAUSE = 'io.example.pause';

describe('CommandsModule', () => {
  let moduleRef: TestingModule;
  let server: MessagePipeline;
  let commands: AgentCommands;
  let custom: CustomMessages;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: { CUSTOM_CAPABILITIES: PAUSE } }), CommandsModule],
    }).compile();
    await moduleRef.init();
    server = moduleRef.get(MessagePipeline);
    commands = moduleRef.get(AgentCommands);
    custom = moduleRef.get(CustomMessages);
  });
  afterEach(() => moduleRef.close());

  /** Connects an agent with one message; returns its session. */
  const connect = async (
    connection: FakeConnection,
    capabilities = 0n,
    customCapabilities: string[] = [],
  ): Promise<AgentSession> => {
    const uid = randomUid();
    await server.handle(
      connection,
      agentToServer({
        instanceUid: uid,
        capabilities,
        agentDescription: description('a'),
        customCapabilities: { capabilities: customCapabilities },
      }),
    );
    return moduleRef.get(AgentRegistry).get(uid)!;
  };

  it('refuses to restart an agent without AcceptsRestartCommand, and sends it nothing', async () => {
    const connection = new FakeConnection('websocket');
    const session = await connect(connection);

    await expect(commands.restart(session)).rejects.toThrow(AgentCapabilityError);
    await expect(commands.restart(session)).rejects.toMatchObject({ capability: 'AcceptsRestartCommand' });
    expect(connection.pushed).toHaveLength(0);
    expect(session.pending).toBeUndefined();
  });

  it('pushes the restart command at once to a WebSocket agent that accepts it', async () => {
    const connection = new FakeConnection('websocket');
    const session = await connect(connection, RESTARTABLE);

    expect(await commands.restart(session)).toBe('sent');
    expect(connection.pushed.map((m) => m.command?.type)).toEqual([CommandType.CommandType_Restart]);
  });

  it('queues the restart command for the next poll of an HTTP agent that accepts it', async () => {
    const session = await connect(new FakeConnection('http'), RESTARTABLE);

    expect(await commands.restart(session)).toBe('queued');
    const poll = await server.handle(
      new FakeConnection('http'),
      agentToServer({ instanceUid: session.instanceUid, capabilities: RESTARTABLE, sequenceNum: 1n }),
    );

    expect(poll.command?.type).toBe(CommandType.CommandType_Restart);
  });

  it('refuses a custom message to an agent that did not list the capability', async () => {
    const connection = new FakeConnection('websocket');
    const session = await connect(connection, 0n, ['io.example.other']);

    await expect(custom.send(session, PAUSE, 'pause', '{}')).rejects.toMatchObject({
      name: 'AgentCapabilityError',
      capability: PAUSE,
    });
    expect(connection.pushed).toHaveLength(0);
  });

  it('sends a custom message to an agent that listed the capability', async () => {
    const connection = new FakeConnection('websocket');
    const session = await connect(connection, 0n, [PAUSE]);

    expect(await custom.send(session, PAUSE, 'pause', '{"for":"5s"}')).toBe('sent');
    expect(connection.pushed[0]?.customMessage).toEqual({
      capability: PAUSE,
      type: 'pause',
      data: Buffer.from('{"for":"5s"}'),
    });
  });

  it('announces CUSTOM_CAPABILITIES in the first reply and hands agent messages to subscribers', async () => {
    const received: ReceivedCustomMessage[] = [];
    custom.subscribe(PAUSE, (message) => {
      received.push(message);
    });
    const uid = randomUid();
    const connection = new FakeConnection('websocket');

    const first = await server.handle(
      connection,
      agentToServer({
        instanceUid: uid,
        agentDescription: description('a'),
        customCapabilities: { capabilities: [PAUSE] },
        customMessage: { capability: PAUSE, type: 'paused', data: Buffer.from('ok') },
      }),
    );

    expect(custom.advertised).toEqual([PAUSE]);
    expect(first.customCapabilities?.capabilities).toEqual([PAUSE]);
    await eventually(() => received.length === 1, 1000, 'custom message delivered');
    expect(received[0]).toMatchObject({ capability: PAUSE, type: 'paused', data: Buffer.from('ok') });
  });
});
