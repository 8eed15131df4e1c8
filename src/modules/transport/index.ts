export * from './http-agent-connection.js';
export * from './opamp-http.handler.js';
export * from './opamp-listener.js';
export * from './opamp-ws.handler.js';
export * from './transport.module.js';
export * from './ws-agent-connection.js';
export * from './ws-keep-alive-wheel.js';
export * from './transport-events.js';
export { TRANSPORT_OPTIONS, type TransportOptions } from './transport.options.js';
