export * from './connection-offers.service.js';
export * from './connection-offers.types.js';
export * from './connection-settings.composer.js';
export * from './connection-settings.module.js';
export * from './connection-settings.offer.js';
export * from './connection-settings.plugin.js';
export * from './connection-settings.stats.js';
