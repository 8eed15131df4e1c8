import { v7 as uuidv7 } from 'uuid';
import { MalformedMessageError } from './protocol.errors.js';
import { MAX_INSTANCE_UID_BYTES } from './protocol.constants.js';

/** A fresh 16-byte UUIDv7 for `agent_identification.new_instance_uid`. */
export function newInstanceUid(): Buffer {
  // A view of its own 16 bytes: Buffer.from(array) would copy into the shared pool (see ownBytes).
  return Buffer.from(uuidv7({}, new Uint8Array(16)).buffer, 0, 16);
}

/** Rejects uids the server cannot key an agent by: empty, or longer than 64 bytes. */
export function assertValidInstanceUid(uid: Uint8Array): void {
  if (uid.length === 0) {
    throw new MalformedMessageError(
      'instance_uid is empty; every AgentToServer must carry one',
      'invalid-instance-uid',
    );
  }
  if (uid.length > MAX_INSTANCE_UID_BYTES) {
    throw new MalformedMessageError(
      `instance_uid is ${uid.length} bytes; at most ${MAX_INSTANCE_UID_BYTES} are accepted (16 is the spec's size)`,
      'invalid-instance-uid',
    );
  }
}

const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * How a uid is shown in logs, metrics and the API: 16 bytes as a UUID, printable ASCII (text uids some agents send, legacy ULIDs) as text, anything else as hex.
 */
export function formatInstanceUid(uid: Uint8Array): string {
  if (uid.length === 16) {
    const hex = Buffer.from(uid).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = Buffer.from(uid.buffer, uid.byteOffset, uid.byteLength).toString('latin1');
  return PRINTABLE.test(text) ? text : Buffer.from(uid).toString('hex');
}

/** The registry key of a uid: one character per byte, so equal bytes give equal keys. */
export function instanceUidKey(uid: Uint8Array): string {
  if (Buffer.isBuffer(uid)) return uid.toString('latin1');
  return Buffer.from(uid.buffer, uid.byteOffset, uid.byteLength).toString('latin1');
}
