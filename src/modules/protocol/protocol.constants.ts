/** The media type of OpAMP messages over plain HTTP, in requests and replies. */
export const OPAMP_CONTENT_TYPE = 'application/x-protobuf';

/** The WebSocket message header this server writes and the only one it accepts (spec: always 0). */
export const WS_HEADER_VALUE = 0n;

/** Default upper bound of one decoded message, after decompression: 16 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Longest instance uid accepted. The spec asks for 16 bytes; some agents send 36 (a UUID as text). */
export const MAX_INSTANCE_UID_BYTES = 64;

/** WebSocket close codes used by the server (RFC 6455 §7.4.1). */
export const WsCloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  UnsupportedData: 1003,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  TryAgainLater: 1013,
} as const;
