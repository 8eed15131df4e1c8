import { MalformedMessageError } from './protocol.errors.js';
import { WS_HEADER_VALUE } from './protocol.constants.js';

const MAX_VARINT_BYTES = 10;

/** The single-byte encoding of the header value 0 that precedes every payload we send. */
const HEADER = Buffer.from([0]);

/** Splits a WebSocket message into its varint header and the protobuf payload that follows. */
export function readWsHeader(frame: Uint8Array): { header: bigint; payloadOffset: number } {
  let value = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (i >= frame.length) {
      throw new MalformedMessageError('WebSocket message ends inside its header', 'bad-ws-header');
    }
    const byte = frame[i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { header: value, payloadOffset: i + 1 };
  }
  throw new MalformedMessageError('WebSocket message header is longer than a 64-bit varint', 'bad-ws-header');
}

/**
 * Returns the protobuf payload of a WebSocket message after checking its header is 0 (spec §WebSocket
 * Message Format). Header-less messages from pre-2023 clients are refused: a valid AgentToServer starts
 * with byte 0x0A, which reads as header 10.
 */
export function unwrapWsMessage(frame: Uint8Array): Uint8Array {
  const { header, payloadOffset } = readWsHeader(frame);
  if (header !== WS_HEADER_VALUE) {
    throw new MalformedMessageError(
      `unexpected WebSocket message header ${header}; OpAMP messages start with header 0`,
      'bad-ws-header',
    );
  }
  return frame.subarray(payloadOffset);
}

/** Prefixes an encoded ServerToAgent with the WebSocket header. */
export function wrapWsMessage(payload: Uint8Array): Buffer {
  return Buffer.concat([HEADER, payload], payload.length + 1);
}

/**
 * The `instance_uid` of a WebSocket message without decoding it, when it is the payload's first field (as
 * every protobuf encoder writes it) and 1–64 bytes long; undefined otherwise. Used to address the reply to
 * a message refused before decoding (rate limit).
 */
export function peekInstanceUid(frame: Uint8Array): Uint8Array | undefined {
  // header 0, then field 1 wire type 2 (0x0a), then a one-byte length.
  if (frame.length < 4 || frame[0] !== 0 || frame[1] !== 0x0a) return undefined;
  const length = frame[2]!;
  if (length === 0 || length > 64 || 3 + length > frame.length) return undefined;
  return frame.subarray(3, 3 + length);
}
