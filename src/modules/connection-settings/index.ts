export * from './connection-settings.module.js';
export * from './connection-settings.offer.js';
export * from './connection-settings.plugin.js';
