export * from './heartbeat-monitor.js';
export * from './heartbeat.module.js';
export * from './stale-policy.js';
