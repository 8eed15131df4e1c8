export * from './odigos-agent-attributes.js';
export * from './odigos-health.js';
export * from './odigos-plugin.module.js';
export * from './odigos-remote-config.js';
export * from './odigos.constants.js';
export * from './odigos.plugin.js';
