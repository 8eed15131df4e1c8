import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MalformedMessageError } from '../../../src/modules/protocol/index.js';
import { readWsHeader, unwrapWsMessage, wrapWsMessage } from '../../../src/modules/protocol/ws-framing.js';

function encodeVarint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Buffer.from(bytes);
}

describe('WebSocket framing', () => {
  it('round-trips any payload through wrap and unwrap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (payload) => {
        expect(Buffer.from(unwrapWsMessage(wrapWsMessage(payload)))).toEqual(Buffer.from(payload));
      }),
    );
  });

  it('reads any 64-bit varint header and where the payload starts', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ maxLength: 16 }),
        (header, rest) => {
          const varint = encodeVarint(header);
          const frame = Buffer.concat([varint, rest]);
          expect(readWsHeader(frame)).toEqual({ header, payloadOffset: varint.length });
        },
      ),
    );
  });

  it('refuses any non-zero header', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }), (header) => {
        expect(() => unwrapWsMessage(encodeVarint(header))).toThrow(MalformedMessageError);
      }),
    );
  });

  it('never throws anything but a MalformedMessageError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), (frame) => {
        try {
          unwrapWsMessage(frame);
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedMessageError);
        }
      }),
    );
  });

  it('refuses an empty message and a header that never ends', () => {
    expect(() => unwrapWsMessage(Buffer.alloc(0))).toThrow(/ends inside its header/);
    expect(() => unwrapWsMessage(Buffer.alloc(11, 0x80))).toThrow(/longer than a 64-bit varint/);
  });
});
