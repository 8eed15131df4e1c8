import { Module } from '@nestjs/common';
import { ProtocolModule } from '../protocol/index.js';
import { SessionModule } from '../session/index.js';
import { OpampHttpHandler } from './opamp-http.handler.js';
import { OpampListener } from './opamp-listener.js';
import { OpampWebSocketHandler } from './opamp-ws.handler.js';
import { TransportEvents } from './transport-events.js';

/** The OpAMP listener: HTTP POST and WebSocket on one port and path, plus the optional Unix socket. */
@Module({
  imports: [ProtocolModule, SessionModule],
  providers: [OpampHttpHandler, OpampWebSocketHandler, OpampListener, TransportEvents],
  exports: [OpampListener, OpampWebSocketHandler, TransportEvents],
})
export class TransportModule {}
