export * from './accept-encoding.js';
export * from './capabilities.js';
export * from './instance-uid.js';
export * from './opamp-codec.js';
export * from './protocol.constants.js';
export * from './protocol.errors.js';
export * from './protocol.module.js';
export * from './protocol.options.js';
export { gzipBody } from './gzip.js';
