export { ConfigValidationError, type InvalidVariable } from './config-validation.error.js';
export {
  InjectServerConfig,
  type ListenerTlsConfig,
  type LogFormat,
  SERVER_CONFIG,
  type ServerConfig,
} from './server-config.js';
export { ServerConfigModule } from './server-config.module.js';
export { type ServerConfigModuleOptions } from './server-config.module-definition.js';
export {
  commaSeparated,
  parseServerConfig,
  serverEnvSchema,
  type ServerEnv,
} from './server-config.schema.js';
export { parseVariables } from './parse-variables.js';
export {
  type ConfigurationSection,
  type ConfigurationVariable,
  configurationVariables,
  renderConfigurationReference,
} from './config-reference.js';
