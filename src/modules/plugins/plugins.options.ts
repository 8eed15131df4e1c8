import { Inject } from '@nestjs/common';

/** Options of the {@link PluginsModule}. */
export interface PluginsOptions {
  /** Time one plugin hook may take before it is skipped and logged, ms (`PLUGIN_TIMEOUT_MS`). Default 2000. */
  readonly timeoutMs: number;
}

/** DI token of the {@link PluginsOptions}, mapped from the server settings by the module. */
export const PLUGINS_OPTIONS = 'OPAMP:PLUGINS_OPTIONS';

/** Injects the {@link PluginsOptions}. */
export const InjectPluginsOptions = (): ParameterDecorator => Inject(PLUGINS_OPTIONS);
