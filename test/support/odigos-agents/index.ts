export * from './agent-target.js';
export * from './agent-http.js';
export * from './agent-messages.js';
export * from './exchange-log.js';
export * from './fake-odiglet.js';
export * from './node-agent.simulator.js';
export * from './python-agent.simulator.js';
export * from './raw-http.js';
