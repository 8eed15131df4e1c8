import { Module } from '@nestjs/common';
import { PERSISTENCE_STATS } from '../../common/persistence-stats.js';
import { KubernetesModule } from '../kubernetes/index.js';
import { PluginsModule } from '../plugins/index.js';
import { SessionModule } from '../session/index.js';
import { AgentPersistence } from './agent-persistence.service.js';
import { PersistenceConfigurableModule } from './persistence.module-definition.js';

/**
 * Persists what agents report, in the background: {@link AgentPersistence} turns session events into writes
 * of the record mapping's records (a plugin's, else one `AgentSnapshot` per agent) to the store (given, or
 * memory, or the mapping's Kubernetes custom resource), through a write-behind queue. Pending writes are
 * flushed before shutdown.
 *
 * `OpampModule` provides its options; on its own, import it as `PersistenceModule.forRoot(options)`.
 */
@Module({
  imports: [SessionModule, PluginsModule, KubernetesModule],
  providers: [AgentPersistence, { provide: PERSISTENCE_STATS, useExisting: AgentPersistence }],
  exports: [AgentPersistence, PERSISTENCE_STATS],
})
export class PersistenceModule extends PersistenceConfigurableModule {}
