import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { OpampCodec } from './opamp-codec.js';
import { PROTOCOL_OPTIONS, type ProtocolOptions } from './protocol.options.js';

/** The OpAMP wire format: {@link OpampCodec}, framing and size limits, configured from `MAX_MESSAGE_BYTES`. */
@Module({
  providers: [
    {
      provide: PROTOCOL_OPTIONS,
      useFactory: (config: ServerConfig): ProtocolOptions => ({
        maxMessageBytes: config.opamp.maxMessageBytes,
      }),
      inject: [SERVER_CONFIG],
    },
    OpampCodec,
  ],
  exports: [OpampCodec],
})
export class ProtocolModule {}
