import { DEFAULT_MAX_MESSAGE_BYTES } from './protocol.constants.js';

/** Settings of the {@link OpampCodec}. */
export interface ProtocolOptions {
  /** Largest message accepted or sent, in bytes, after decompression. Default 16 MiB (`MAX_MESSAGE_BYTES`). */
  maxMessageBytes: number;
}

/** DI token of the {@link ProtocolOptions}. */
export const PROTOCOL_OPTIONS = 'OPAMP:PROTOCOL_OPTIONS';

/** The defaults used when the module is imported without options. */
export const DEFAULT_PROTOCOL_OPTIONS: ProtocolOptions = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES };
