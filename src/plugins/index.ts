export * from './opamp-plugin.decorator.js';
export * from './opamp-plugin.interface.js';
export * from './plugin-host.js';
export * from './plugin.errors.js';
export * from './plugins.module.js';
