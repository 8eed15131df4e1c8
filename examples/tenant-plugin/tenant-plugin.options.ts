import { Inject } from '@nestjs/common';

/** Settings of the example {@link TenantPlugin}. */
export interface TenantPluginOptions {
  /** Bearer token → tenant it belongs to. An agent without a known token gets 401. */
  tokens: Record<string, string>;
  /** Header naming the agent's site within its tenant. Default `x-site`. */
  siteHeader?: string;
  /** Attributes every agent of the tenant receives. Default none. */
  staticAttributes?: Record<string, string>;
}

export const TENANT_PLUGIN_OPTIONS = 'EXAMPLE:TENANT_PLUGIN_OPTIONS';

export const InjectTenantPluginOptions = (): ParameterDecorator => Inject(TENANT_PLUGIN_OPTIONS);
