import { Injectable } from '@nestjs/common';
import {
  OpampPlugin,
  type AgentIdentity,
  type AgentView,
  type AuthorizeDecision,
  type ConnectionRequest,
  type KeyValue,
  type MessageContext,
  type OpampPluginHooks,
} from 'opamp-nest';
import { InjectTenantPluginOptions, type TenantPluginOptions } from './tenant-plugin.options.js';

const header = (request: ConnectionRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const stringAttribute = (key: string, value: string): KeyValue => ({
  key,
  value: { value: { $case: 'stringValue', value } },
});

/**
 * An example plugin: agents authenticate with a bearer token that names their tenant, say where they
 * run in a custom header, and receive static resource attributes.
 */
@OpampPlugin({ name: 'tenant', order: 10 })
@Injectable()
export class TenantPlugin implements OpampPluginHooks {
  constructor(@InjectTenantPluginOptions() private readonly options: TenantPluginOptions) {}

  authorize(request: ConnectionRequest): AuthorizeDecision {
    if (this.tenantOf(request)) return { accept: true };
    return { accept: false, status: 401, reason: 'send Authorization: Bearer <token> with a known token' };
  }

  identify({ agent, connection }: MessageContext): AgentIdentity | undefined {
    const tenant = this.tenantOf(connection);
    if (!tenant) return undefined;
    const site = header(connection, this.options.siteHeader ?? 'x-site') ?? 'unknown';
    return { provider: 'tenant', key: `${tenant}/${site}/${agent.displayId}`, labels: { tenant, site } };
  }

  /** Delivered in the remote config as `resource-attributes.json` (agents that accept remote config). */
  resourceAttributes(agent: AgentView): KeyValue[] | undefined {
    const labels = agent.identity?.labels;
    if (!labels?.tenant) return undefined;
    return [
      stringAttribute('tenant.id', labels.tenant),
      stringAttribute('site.name', labels.site ?? 'unknown'),
      ...Object.entries(this.options.staticAttributes ?? {}).map(([key, value]) =>
        stringAttribute(key, value),
      ),
    ];
  }

  private tenantOf(request: ConnectionRequest): string | undefined {
    const authorization = header(request, 'authorization');
    const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    return token ? this.options.tokens[token] : undefined;
  }
}
