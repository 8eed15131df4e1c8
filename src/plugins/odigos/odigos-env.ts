import { parseVariables } from '../../index.js';
import { odigosEnvSchema, type OdigosPluginOptions } from './odigos-plugin.options.js';

/**
 * The plugin's options from environment variables (`ODIGOS_IDENTITY`, `DEVICE_ID_HEADER`,
 * `ODIGOS_DEVICE_RESOURCE`).
 * @throws ConfigValidationError naming every bad variable and what it accepts.
 */
export function odigosOptionsFromEnv(env: Record<string, unknown>): OdigosPluginOptions {
  const e = parseVariables(odigosEnvSchema, env);
  return {
    identity: e.ODIGOS_IDENTITY,
    deviceIdHeader: e.DEVICE_ID_HEADER.toLowerCase(),
    deviceResourceFilter: e.ODIGOS_DEVICE_RESOURCE,
  };
}
