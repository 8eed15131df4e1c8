export { OdigosPluginModule } from './odigos-plugin.module.js';
export { OdigosPlugin } from './odigos.plugin.js';
export {
  DEFAULT_ODIGOS_PLUGIN_OPTIONS,
  type OdigosIdentityMode,
  type OdigosPluginOptions,
  odigosEnvSchema,
} from './odigos-plugin.options.js';
export { odigosOptionsFromEnv } from './odigos-env.js';
export { InstrumentationConfigCache } from './instrumentation-config/instrumentation-config.cache.js';
export {
  type ContainerAgentConfig,
  type InstrumentationConfig,
  instrumentationConfigName,
} from './instrumentation-config/instrumentation-config.js';
export { InstrumentationInstanceMapping } from './instrumentation-instance/instrumentation-instance.record-mapping.js';
export { type InstrumentationInstanceRecord } from './instrumentation-instance/instrumentation-instance.record.js';
export { ODIGOS_PLUGIN_NAME } from './odigos.constants.js';
export { type PlacedOdigosAgent } from './odigos.plugin.js';
export {
  type OdigosInstrumentationInstance,
  type OdigosWorkload,
  type OdigosWorkloadList,
} from './workloads/odigos-workloads.schemas.js';
