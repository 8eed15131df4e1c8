import { type DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { commaSeparated, parseVariables } from './modules/config/index.js';
import { OdigosPluginModule, odigosEnvSchema, odigosOptionsFromEnv } from './plugins/odigos/index.js';

/** The plugins that ship with the server, by the name `PLUGINS` uses, each configured from the environment. */
const BUILT_IN: Readonly<Record<string, (env: Record<string, unknown>) => DynamicModule>> = {
  odigos: (env) => OdigosPluginModule.forRoot(odigosOptionsFromEnv(env)),
};

/** The server's own variables besides the framework's: which built-in plugins run. */
export const builtInPluginsEnvSchema = z.object({
  PLUGINS: commaSeparated
    .pipe(
      z.array(
        z.string().refine((name) => name in BUILT_IN, {
          error: `must name built-in plugins: ${Object.keys(BUILT_IN).join(', ')}`,
        }),
      ),
    )
    .describe(
      `comma-separated built-in plugins to enable (${Object.keys(BUILT_IN).join(', ')}); default none`,
    ),
});

/** Variables of every built-in plugin, for the configuration reference. */
export const builtInPluginEnvSchemas: Readonly<Record<string, z.ZodObject>> = { odigos: odigosEnvSchema };

/**
 * The modules of the built-in plugins `PLUGINS` names, each configured from the same variables.
 * @throws ConfigValidationError for an unknown name or a bad plugin variable.
 */
export function builtInPluginModules(env: Record<string, unknown>): DynamicModule[] {
  const { PLUGINS } = parseVariables(builtInPluginsEnvSchema, env);
  return PLUGINS.map((name) => BUILT_IN[name]!(env));
}
