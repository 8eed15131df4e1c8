import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { ProtocolModule } from '../protocol/index.js';
import { SessionModule } from '../session/index.js';
import { OpampHttpHandler } from './opamp-http.handler.js';
import { OpampListener } from './opamp-listener.js';
import { OpampWebSocketHandler } from './opamp-ws.handler.js';
import { TransportEvents } from './transport-events.js';
import { TRANSPORT_OPTIONS, type TransportOptions } from './transport.options.js';

/** The OpAMP listener: HTTP POST and WebSocket on one port and path, plus the optional Unix socket. */
@Module({
  imports: [ProtocolModule, SessionModule],
  providers: [
    {
      provide: TRANSPORT_OPTIONS,
      useFactory: (config: ServerConfig): TransportOptions => config.opamp,
      inject: [SERVER_CONFIG],
    },
    OpampHttpHandler,
    OpampWebSocketHandler,
    OpampListener,
    TransportEvents,
  ],
  exports: [OpampListener, OpampWebSocketHandler, TransportEvents],
})
export class TransportModule {}
