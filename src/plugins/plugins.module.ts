import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PluginHost } from './plugin-host.js';

/** Discovers `@OpampPlugin` providers and exposes them to the pipeline through {@link PluginHost}. */
@Module({
  imports: [DiscoveryModule],
  providers: [PluginHost],
  exports: [PluginHost],
})
export class PluginsModule {}
