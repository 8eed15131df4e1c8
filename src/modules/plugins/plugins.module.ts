import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { PluginHost } from './plugin-host.js';
import { PLUGINS_OPTIONS, type PluginsOptions } from './plugins.options.js';

/** Discovers `@OpampPlugin` providers and exposes them to the pipeline through {@link PluginHost}. */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: PLUGINS_OPTIONS,
      useFactory: (config: ServerConfig): PluginsOptions => ({ timeoutMs: config.plugins.timeoutMs }),
      inject: [SERVER_CONFIG],
    },
    PluginHost,
  ],
  exports: [PluginHost],
})
export class PluginsModule {}
