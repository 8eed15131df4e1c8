import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import {
  AgentToServer,
  ServerErrorResponseType,
  ServerToAgent,
} from '../../../src/generated/opamp/v1/opamp.js';
import {
  MalformedMessageError,
  MessageTooLargeError,
  OpampCodec,
  PROTOCOL_OPTIONS,
  ProtocolError,
  ServerUnavailableError,
  UnsupportedMediaTypeError,
} from '../../../src/modules/protocol/index.js';

const LIMIT = 2048;

const agentToServerArb = fc.record({
  instanceUid: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
  sequenceNum: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  capabilities: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  flags: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  health: fc.option(
    fc.record({
      healthy: fc.boolean(),
      status: fc.string({ maxLength: 20 }),
      lastError: fc.string({ maxLength: 20 }),
    }),
    { nil: undefined },
  ),
});

describe('OpampCodec', () => {
  let codec: OpampCodec;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [OpampCodec, { provide: PROTOCOL_OPTIONS, useValue: { maxMessageBytes: LIMIT } }],
    }).compile();
    codec = moduleRef.get(OpampCodec);
  });

  it('decodes what an agent encodes, for any message', () => {
    fc.assert(
      fc.property(agentToServerArb, (init) => {
        const message = AgentToServer.fromPartial(init);
        const bytes = AgentToServer.encode(message).finish();
        expect(codec.decodeAgentToServer(bytes)).toEqual(message);
      }),
    );
  });

  it('decodes the same message from a plain, gzip and WebSocket body', async () => {
    const message = AgentToServer.fromPartial({ instanceUid: Buffer.from('abc'), sequenceNum: 3n });
    const bytes = Buffer.from(AgentToServer.encode(message).finish());
    expect(await codec.decodeHttpBody(bytes, undefined)).toEqual(message);
    expect(await codec.decodeHttpBody(gzipSync(bytes), 'gzip')).toEqual(message);
    expect(await codec.decodeHttpBody(bytes, 'identity')).toEqual(message);
    expect(codec.decodeWsMessage(Buffer.concat([Buffer.from([0]), bytes]))).toEqual(message);
  });

  it('encodes replies that decode back, with the WebSocket header when asked', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.bigInt({ min: 0n, max: 255n }),
        (uid, flags) => {
          const reply = ServerToAgent.fromPartial({ instanceUid: Buffer.from(uid), flags, capabilities: 1n });
          expect(ServerToAgent.decode(codec.encode(reply)!)).toEqual(reply);
          const frame = codec.encodeWsMessage(reply)!;
          expect(frame[0]).toBe(0);
          expect(ServerToAgent.decode(frame.subarray(1))).toEqual(reply);
        },
      ),
    );
  });

  it('only ever throws ProtocolErrors on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        try {
          await codec.decodeHttpBody(bytes, undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });

  it('refuses a message over the limit, before and after decompression', async () => {
    const big = Buffer.from(
      AgentToServer.encode(
        AgentToServer.fromPartial({
          instanceUid: Buffer.alloc(16, 1),
          flags: 1n,
          health: { lastError: 'e'.repeat(LIMIT) },
        }),
      ).finish(),
    );
    expect(() => codec.decodeAgentToServer(big)).toThrow(MessageTooLargeError);
    await expect(codec.decodeHttpBody(gzipSync(big), 'gzip')).rejects.toThrow(MessageTooLargeError);
    await expect(codec.decodeHttpBody(gzipSync(Buffer.alloc(10 * LIMIT)), 'gzip')).rejects.toMatchObject({
      httpStatus: 413,
      wsCloseCode: 1009,
    });
  });

  it('does not send a reply over the limit', () => {
    const reply = ServerToAgent.fromPartial({
      instanceUid: Buffer.from('x'),
      customMessage: { capability: 'c', type: 't', data: Buffer.alloc(LIMIT) },
    });
    expect(codec.encode(reply)).toBeUndefined();
    expect(codec.encodeWsMessage(reply)).toBeUndefined();
  });

  it('maps each failure to an HTTP status and a ServerErrorResponse type', async () => {
    await expect(codec.decodeHttpBody(Buffer.from([0xff]), undefined)).rejects.toMatchObject({
      httpStatus: 400,
      errorType: ServerErrorResponseType.ServerErrorResponseType_BadRequest,
    });
    await expect(codec.decodeHttpBody(Buffer.from('not gzip'), 'gzip')).rejects.toBeInstanceOf(
      MalformedMessageError,
    );
    await expect(codec.decodeHttpBody(Buffer.alloc(0), 'deflate')).rejects.toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
    expect(() => codec.decodeAgentToServer(Buffer.alloc(0))).toThrow(/instance_uid is empty/);
  });

  it('builds error replies with nothing but the uid and error_response', () => {
    const uid = Buffer.from('agent');
    const badRequest = codec.errorReply(uid, new MalformedMessageError('broken'));
    expect(badRequest).toEqual(
      ServerToAgent.fromPartial({
        instanceUid: uid,
        errorResponse: {
          type: ServerErrorResponseType.ServerErrorResponseType_BadRequest,
          errorMessage: 'broken',
        },
      }),
    );
    const unavailable = codec.errorReply(uid, new ServerUnavailableError('busy', 1500));
    expect(unavailable.errorResponse?.type).toBe(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
    expect(unavailable.errorResponse?.Details).toEqual({
      $case: 'retryInfo',
      value: { retryAfterNanoseconds: 1_500_000_000n },
    });
  });
});
