export * from './tenant-plugin.module.js';
export * from './tenant-plugin.options.js';
export * from './tenant.plugin.js';
