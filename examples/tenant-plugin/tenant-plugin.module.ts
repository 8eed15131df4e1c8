import { type DynamicModule, Module } from '@nestjs/common';
import { TENANT_PLUGIN_OPTIONS, type TenantPluginOptions } from './tenant-plugin.options.js';
import { TenantPlugin } from './tenant.plugin.js';

/** Registers the example {@link TenantPlugin}; give it as `OpampModule.forRoot({ plugins: [TenantPluginModule.forRoot(...)] })`. */
@Module({})
export class TenantPluginModule {
  static forRoot(options: TenantPluginOptions): DynamicModule {
    return {
      module: TenantPluginModule,
      providers: [{ provide: TENANT_PLUGIN_OPTIONS, useValue: options }, TenantPlugin],
    };
  }
}
