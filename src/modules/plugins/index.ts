export { OpampPlugin } from './opamp-plugin.decorator.js';
export {
  type Decision,
  type DecidingHook,
  type HookName,
  type ObservingHook,
  PluginHost,
  type RegisteredPlugin,
} from './plugin-host.js';
export {
  PLUGIN_HOOK_DURATION_BUCKETS_S,
  type PluginHookCell,
  type PluginHookFailure,
  PluginHookStats,
} from './plugin-hook-stats.js';
export { DuplicatePluginError, PluginTimeoutError } from './plugin.errors.js';
export { PLUGINS_OPTIONS, type PluginsOptions } from './plugins.options.js';
export { PluginsModule } from './plugins.module.js';
