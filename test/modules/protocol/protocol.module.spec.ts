import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { AgentToServer, ServerToAgent } from '../../../src/generated/opamp/v1/opamp.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  MessageTooLargeError,
  OpampCodec,
  ProtocolError,
  ProtocolModule,
} from '../../../src/modules/protocol/index.js';
import { description, encodeAgentToServer, randomUid } from '../../support/opamp-messages.js';

const LIMIT = 1024;

describe('ProtocolModule', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const codecWith = async (env: Record<string, string>): Promise<OpampCodec> => {
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env }), ProtocolModule],
    }).compile();
    return moduleRef.get(OpampCodec);
  };

  /** An encoded AgentToServer of more than `bytes` bytes (a long service name). */
  const messageLargerThan = (bytes: number): Buffer =>
    encodeAgentToServer({ instanceUid: randomUid(), agentDescription: description('s'.repeat(bytes)) });

  it('refuses a message larger than MAX_MESSAGE_BYTES with a ProtocolError answered as HTTP 413', async () => {
    const codec = await codecWith({ MAX_MESSAGE_BYTES: String(LIMIT) });
    const oversize = messageLargerThan(LIMIT);

    const failure = (() => {
      try {
        codec.decodeAgentToServer(oversize);
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    expect(failure).toBeInstanceOf(ProtocolError);
    expect(failure).toBeInstanceOf(MessageTooLargeError);
    expect(failure).toMatchObject({ httpStatus: 413, reason: 'too-large', limitBytes: LIMIT });
  });

  it('refuses a gzip body that expands past MAX_MESSAGE_BYTES, though it is small on the wire', async () => {
    const codec = await codecWith({ MAX_MESSAGE_BYTES: String(LIMIT) });
    const compressed = gzipSync(messageLargerThan(4 * LIMIT));
    expect(compressed.length).toBeLessThan(LIMIT);

    await expect(codec.decodeHttpBody(compressed, 'gzip')).rejects.toMatchObject({
      name: 'MessageTooLargeError',
      httpStatus: 413,
    });
  });

  it('decodes a message within the configured limit, plain and gzipped', async () => {
    const codec = await codecWith({ MAX_MESSAGE_BYTES: String(LIMIT) });
    const uid = randomUid();
    const body = encodeAgentToServer({
      instanceUid: uid,
      sequenceNum: 7n,
      agentDescription: description('a'),
    });
    expect(body.length).toBeLessThan(LIMIT);

    const plain = await codec.decodeHttpBody(body, undefined);
    const gzipped = await codec.decodeHttpBody(gzipSync(body), 'gzip');

    for (const message of [plain, gzipped]) {
      expect(Buffer.from(message.instanceUid)).toEqual(uid);
      expect(message.sequenceNum).toBe(7n);
      expect(message.agentDescription).toEqual(description('a'));
    }
  });

  it('round-trips an AgentToServer through the WebSocket framing and a ServerToAgent through encode', async () => {
    const codec = await codecWith({});
    const uid = randomUid();
    const frame = Buffer.concat([
      Buffer.from([0]),
      encodeAgentToServer({ instanceUid: uid, sequenceNum: 3n }),
    ]);
    const reply = ServerToAgent.fromPartial({ instanceUid: uid, capabilities: 5n });

    const decoded = codec.decodeWsMessage(frame);
    const encoded = codec.encode(reply);
    const wsEncoded = codec.encodeWsMessage(reply);

    expect(decoded).toEqual(AgentToServer.fromPartial({ instanceUid: uid, sequenceNum: 3n }));
    expect(ServerToAgent.decode(encoded!)).toEqual(reply);
    expect(wsEncoded![0]).toBe(0);
    expect(ServerToAgent.decode(wsEncoded!.subarray(1))).toEqual(reply);
  });

  it('does not encode a reply larger than MAX_MESSAGE_BYTES', async () => {
    const codec = await codecWith({ MAX_MESSAGE_BYTES: String(LIMIT) });
    const reply = ServerToAgent.fromPartial({
      instanceUid: randomUid(),
      errorResponse: { errorMessage: 'x'.repeat(LIMIT) },
    });

    expect(codec.encode(reply)).toBeUndefined();
    expect(codec.encodeWsMessage(reply)).toBeUndefined();
  });

  it('uses the 16 MiB default limit when MAX_MESSAGE_BYTES is not set', async () => {
    const codec = await codecWith({});
    const body = messageLargerThan(64 * 1024);

    expect(codec.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    expect(codec.decodeAgentToServer(body).agentDescription).toBeDefined();
  });
});
