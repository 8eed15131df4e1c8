export * from './config-validation.error.js';
export * from './server-config.js';
export * from './server-config.module.js';
export * from './server-config.schema.js';
