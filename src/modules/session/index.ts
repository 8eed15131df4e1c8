export * from './agent-connection.js';
export * from './agent-events.js';
export * from './agent-registry.js';
export * from './agent-session.js';
export * from './agent-status.js';
export * from './full-state.js';
export * from './opamp-server.service.js';
export * from './session.module.js';
