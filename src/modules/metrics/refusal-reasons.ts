import { type ProtocolErrorReason } from '../protocol/index.js';

/** Why a message was refused, for the metrics: it could not be decoded, or the server would not serve it. */
export type RefusalClass = 'decode' | 'refusal';

/**
 * Which counter each ProtocolError reason goes to: `opamp_decode_errors_total` for bytes that are not a
 * usable OpAMP message, `opamp_refusals_total` for well-formed messages (or connections) the server would
 * not serve. A record, so a new reason does not compile until it is classified.
 */
export const REFUSAL_CLASS: Readonly<Record<ProtocolErrorReason, RefusalClass>> = {
  malformed: 'decode',
  'bad-ws-header': 'decode',
  'non-binary-frame': 'decode',
  'too-large': 'decode',
  'bad-compression': 'decode',
  'unsupported-media-type': 'decode',
  'unsupported-encoding': 'decode',
  'invalid-instance-uid': 'decode',
  unavailable: 'refusal',
  'rate-limited': 'refusal',
  'too-many-connections': 'refusal',
  rejected: 'refusal',
  unidentified: 'refusal',
  'not-local': 'refusal',
};

/** Every ProtocolError reason. */
export const PROTOCOL_ERROR_REASONS = Object.keys(REFUSAL_CLASS) as readonly ProtocolErrorReason[];
