import { Module } from '@nestjs/common';
import { EnrichmentModule } from '../../modules/enrichment/index.js';
import { SessionModule } from '../../modules/session/index.js';
import { OdigosPlugin } from './odigos.plugin.js';

/** The Odigos conventions as a plugin; enabled with `PLUGINS=odigos`. */
@Module({
  imports: [EnrichmentModule, SessionModule],
  providers: [OdigosPlugin],
  exports: [OdigosPlugin],
})
export class OdigosPluginModule {}
