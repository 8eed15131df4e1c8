export * from './agent-commands.service.js';
export * from './commands.errors.js';
export * from './commands.module.js';
export * from './custom-messages.service.js';
