export { TenantPluginModule } from './tenant-plugin.module.js';
export {
  InjectTenantPluginOptions,
  TENANT_PLUGIN_OPTIONS,
  type TenantPluginOptions,
} from './tenant-plugin.options.js';
export { TenantPlugin } from './tenant.plugin.js';
