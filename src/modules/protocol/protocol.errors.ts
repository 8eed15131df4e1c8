import { ServerErrorResponseType } from '../../generated/opamp/v1/opamp.js';
import { WsCloseCode } from './protocol.constants.js';

/** Why a message was refused; also the `reason` label of decode-error metrics. */
export type ProtocolErrorReason =
  | 'malformed'
  | 'bad-ws-header'
  | 'non-binary-frame'
  | 'too-large'
  | 'bad-compression'
  | 'unsupported-media-type'
  | 'unsupported-encoding'
  | 'invalid-instance-uid'
  | 'unavailable'
  | 'rate-limited'
  | 'too-many-connections'
  | 'rejected'
  | 'unidentified'
  | 'not-local';

/**
 * A message the server cannot serve. Knows how to answer it on either transport: the HTTP status, the
 * `ServerErrorResponse` type for the reply body, and, for WebSocket, whether to close and with which code.
 */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';

  constructor(
    message: string,
    readonly reason: ProtocolErrorReason,
    readonly httpStatus: number,
    readonly errorType: ServerErrorResponseType,
    /** Close code when a WebSocket must be closed for this error; undefined keeps the socket open. */
    readonly wsCloseCode?: number,
  ) {
    super(message);
  }
}

/** The bytes are not an OpAMP message: not protobuf, a bad WebSocket header, bad gzip, a bad uid. */
export class MalformedMessageError extends ProtocolError {
  override readonly name = 'MalformedMessageError';

  constructor(message: string, reason: ProtocolErrorReason = 'malformed') {
    super(message, reason, 400, ServerErrorResponseType.ServerErrorResponseType_BadRequest);
  }
}

/** The message, once decompressed, is larger than `MAX_MESSAGE_BYTES`. */
export class MessageTooLargeError extends ProtocolError {
  override readonly name = 'MessageTooLargeError';

  constructor(readonly limitBytes: number) {
    super(
      `message exceeds the ${limitBytes}-byte limit (MAX_MESSAGE_BYTES); send smaller status reports`,
      'too-large',
      413,
      ServerErrorResponseType.ServerErrorResponseType_BadRequest,
      WsCloseCode.MessageTooBig,
    );
  }
}

/** The request's Content-Type or Content-Encoding is not one OpAMP uses. */
export class UnsupportedMediaTypeError extends ProtocolError {
  override readonly name = 'UnsupportedMediaTypeError';

  constructor(message: string, reason: 'unsupported-media-type' | 'unsupported-encoding') {
    super(message, reason, 415, ServerErrorResponseType.ServerErrorResponseType_BadRequest);
  }
}

/**
 * The server cannot serve now (draining, overloaded); the agent should retry after `retryAfterMs`. Sent as
 * `ServerErrorResponse{Unavailable, retry_info}`, over HTTP with `Retry-After`.
 */
export class ServerUnavailableError extends ProtocolError {
  override readonly name: string = 'ServerUnavailableError';

  constructor(
    message: string,
    readonly retryAfterMs: number,
    reason: 'unavailable' | 'rate-limited' | 'too-many-connections' = 'unavailable',
    httpStatus = 503,
  ) {
    super(message, reason, httpStatus, ServerErrorResponseType.ServerErrorResponseType_Unavailable);
  }
}

/**
 * The agent (its WebSocket, or its instance uid over HTTP) sends more than `MAX_MESSAGES_PER_SECOND`: the
 * message is not processed; HTTP answers 429. A WebSocket stays open.
 */
export class RateLimitedError extends ServerUnavailableError {
  override readonly name = 'RateLimitedError';

  constructor(limitPerSecond: number, retryAfterMs: number) {
    super(
      `more than ${limitPerSecond} messages per second (MAX_MESSAGES_PER_SECOND); slow down and retry later`,
      retryAfterMs,
      'rate-limited',
      429,
    );
  }
}

/** The listener holds `MAX_CONNECTIONS` connections already; the agent should come back later. */
export class TooManyConnectionsError extends ServerUnavailableError {
  override readonly name = 'TooManyConnectionsError';

  constructor(maxConnections: number, retryAfterMs: number) {
    super(
      `the server holds its maximum of ${maxConnections} connections (MAX_CONNECTIONS); retry later`,
      retryAfterMs,
      'too-many-connections',
    );
  }
}

/** A plugin's `authorize` hook refused the connection (401 for credentials, 403, 429, ...). */
export class ConnectionRejectedError extends ProtocolError {
  override readonly name = 'ConnectionRejectedError';

  constructor(
    status: number,
    message: string,
    /** Seconds to wait before retrying, sent as `Retry-After` when set. */
    readonly retryAfterS?: number,
  ) {
    super(message, 'rejected', status, ServerErrorResponseType.ServerErrorResponseType_BadRequest);
  }
}

/** The agent's message is well formed but the server cannot tell who or where the agent is. */
export class AgentNotIdentifiedError extends ProtocolError {
  override readonly name = 'AgentNotIdentifiedError';

  constructor(message: string) {
    super(message, 'unidentified', 400, ServerErrorResponseType.ServerErrorResponseType_BadRequest);
  }
}

/**
 * The agent claims to run somewhere this server does not serve (a pod on another node): refused with 403
 * and a ServerErrorResponse saying why; nothing is recorded for it.
 */
export class AgentNotLocalError extends ProtocolError {
  override readonly name = 'AgentNotLocalError';

  constructor(message: string) {
    super(message, 'not-local', 403, ServerErrorResponseType.ServerErrorResponseType_BadRequest);
  }
}
