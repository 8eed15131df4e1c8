import { Inject } from '@nestjs/common';
import { z } from 'zod';

/** How the Odigos plugin identifies agents. */
export type OdigosIdentityMode = 'auto' | 'device-id' | 'attributes';

/** Options of the Odigos plugin (`OdigosPluginModule.forRoot`). */
export interface OdigosPluginOptions {
  /**
   * `device-id`: the kubelet instrumentation device id in {@link deviceIdHeader}, required (agents without it
   * get 401); `attributes`: the Kubernetes attributes agents report; `auto`: the header when present.
   * Default `auto`.
   */
  readonly identity: OdigosIdentityMode;
  /** HTTP header carrying the device id, lower-case. Default `x-odigos-deviceid`. */
  readonly deviceIdHeader: string;
  /** Kubelet devices whose resource name contains this are instrumentation devices. Default `odigos.io`. */
  readonly deviceResourceFilter: string;
}

/** The defaults of {@link OdigosPluginOptions}. */
export const DEFAULT_ODIGOS_PLUGIN_OPTIONS: OdigosPluginOptions = {
  identity: 'auto',
  deviceIdHeader: 'x-odigos-deviceid',
  deviceResourceFilter: 'odigos.io',
};

/**
 * The plugin's environment variables, with what each accepts: `ODIGOS_IDENTITY`, `DEVICE_ID_HEADER`,
 * `ODIGOS_DEVICE_RESOURCE`. Read once by the server's bootstrap when `PLUGINS` names `odigos`.
 */
export const odigosEnvSchema = z.object({
  ODIGOS_IDENTITY: z
    .enum(['auto', 'device-id', 'attributes'])
    .default('auto')
    .describe(
      'how the odigos plugin identifies agents: device-id (X-Odigos-DeviceId header, required), attributes (reported k8s attributes) or auto (the header when present); default auto',
    ),
  DEVICE_ID_HEADER: z
    .string()
    .min(1)
    .default('X-Odigos-DeviceId')
    .describe('HTTP header carrying the kubelet device id (odigos plugin); default X-Odigos-DeviceId'),
  ODIGOS_DEVICE_RESOURCE: z
    .string()
    .min(1)
    .default('odigos.io')
    .describe(
      'kubelet devices whose resource name contains this are Odigos instrumentation devices (odigos plugin); default odigos.io',
    ),
});

/** DI token of the {@link OdigosPluginOptions}. */
export const ODIGOS_PLUGIN_OPTIONS = 'OPAMP:ODIGOS_PLUGIN_OPTIONS';

/** Injects the {@link OdigosPluginOptions}. */
export const InjectOdigosPluginOptions = (): ParameterDecorator => Inject(ODIGOS_PLUGIN_OPTIONS);
