export * from './heartbeat-monitor.js';
export * from './heartbeat-policy.js';
export * from './heartbeat.module.js';
export * from './heartbeat.options.js';
