import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { Inject, Injectable } from '@nestjs/common';
import { type Awaitable } from '../../common/awaitable.js';
import { AgentToServer, ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { gunzipWithLimit } from './gzip.js';
import { assertValidInstanceUid } from './instance-uid.js';
import { PROTOCOL_OPTIONS, type ProtocolOptions } from './protocol.options.js';
import { WS_HEADER_VALUE } from './protocol.constants.js';
import {
  MalformedMessageError,
  MessageTooLargeError,
  ServerUnavailableError,
  UnsupportedMediaTypeError,
  type ProtocolError,
} from './protocol.errors.js';
import { unwrapWsMessage } from './ws-framing.js';

const NANOS_PER_MS = 1_000_000n;
/** The WebSocket message header this server writes: always 0. */
const WS_HEADER = Number(WS_HEADER_VALUE);

/**
 * Turns bytes from either transport into an `AgentToServer` and a `ServerToAgent` back into bytes,
 * enforcing the message size limit at every step. Every failure is a typed {@link ProtocolError}.
 */
@Injectable()
export class OpampCodec {
  private writer = new BinaryWriter();

  constructor(@Inject(PROTOCOL_OPTIONS) private readonly options: ProtocolOptions) {}

  /** The decoded-size limit in bytes. */
  get maxMessageBytes(): number {
    return this.options.maxMessageBytes;
  }

  /** Decodes an HTTP request body, gunzipping it first when `Content-Encoding` says gzip. */
  async decodeHttpBody(body: Uint8Array, contentEncoding: string | undefined): Promise<AgentToServer> {
    return this.decodeHttpBodyNow(body, contentEncoding);
  }

  /**
   * {@link decodeHttpBody}, synchronous unless the body must be gunzipped (errors of a plain body are
   * thrown, not rejected).
   */
  decodeHttpBodyNow(body: Uint8Array, contentEncoding: string | undefined): Awaitable<AgentToServer> {
    if (contentEncoding === undefined) return this.decodeAgentToServer(body);
    const encoding = contentEncoding.trim().toLowerCase();
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      return gunzipWithLimit(body, this.options.maxMessageBytes).then((bytes) =>
        this.decodeAgentToServer(bytes),
      );
    }
    if (encoding !== '' && encoding !== 'identity') {
      throw new UnsupportedMediaTypeError(
        `Content-Encoding "${contentEncoding}" is not supported; send gzip or no encoding`,
        'unsupported-encoding',
      );
    }
    return this.decodeAgentToServer(body);
  }

  /** Decodes one binary WebSocket message: the varint header, then the protobuf. */
  decodeWsMessage(frame: Uint8Array): AgentToServer {
    return this.decodeAgentToServer(unwrapWsMessage(frame));
  }

  /** Decodes a bare AgentToServer and checks its instance uid. */
  decodeAgentToServer(bytes: Uint8Array): AgentToServer {
    if (bytes.length > this.options.maxMessageBytes)
      throw new MessageTooLargeError(this.options.maxMessageBytes);
    let message: AgentToServer;
    try {
      message = AgentToServer.decode(bytes);
    } catch (error) {
      throw new MalformedMessageError(
        `body is not a valid AgentToServer protobuf: ${(error as Error).message}`,
      );
    }
    assertValidInstanceUid(message.instanceUid);
    return message;
  }

  /** Encodes a reply; undefined when it would exceed the size limit (the caller records the drop). */
  encode(reply: ServerToAgent): Uint8Array | undefined {
    const bytes = this.write(reply, false);
    return bytes.length > this.options.maxMessageBytes ? undefined : bytes;
  }

  /** Encodes a reply with the WebSocket header (spec: a varint 0); undefined when over the size limit. */
  encodeWsMessage(reply: ServerToAgent): Buffer | undefined {
    const bytes = this.write(reply, true);
    if (bytes.length - 1 > this.options.maxMessageBytes) return undefined;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Encodes with one reused writer (encoding is synchronous, so it is never shared by two messages). */
  private write(reply: ServerToAgent, wsHeader: boolean): Uint8Array {
    try {
      if (wsHeader) this.writer.uint32(WS_HEADER);
      return ServerToAgent.encode(reply, this.writer).finish();
    } catch (error) {
      this.writer = new BinaryWriter();
      throw error;
    }
  }

  /** The ServerToAgent that reports `error`: only the uid and `error_response`, as the spec requires. */
  errorReply(instanceUid: Uint8Array, error: ProtocolError): ServerToAgent {
    const reply = ServerToAgent.fromPartial({
      instanceUid: Buffer.from(instanceUid),
      errorResponse: { type: error.errorType, errorMessage: error.message },
    });
    if (error instanceof ServerUnavailableError && reply.errorResponse) {
      reply.errorResponse.Details = {
        $case: 'retryInfo',
        value: { retryAfterNanoseconds: BigInt(Math.ceil(error.retryAfterMs)) * NANOS_PER_MS },
      };
    }
    return reply;
  }
}
