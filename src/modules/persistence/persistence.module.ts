import { type KubeConfig } from '@kubernetes/client-node';
import { Module } from '@nestjs/common';
import { PERSISTENCE_STATS } from '../../common/persistence-stats.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../kubernetes/index.js';
import { SessionModule } from '../session/index.js';
import { AgentPersistence } from './agent-persistence.service.js';
import { createAgentStore } from './agent-store.factory.js';
import {
  PERSISTENCE_OPTIONS,
  PersistenceConfigurableModule,
  type PersistenceModuleOptions,
} from './persistence.module-definition.js';
import { AGENT_STORE } from './persistence.constants.js';

/**
 * Persists what agents report, in the background: `AGENT_STORE` (memory or Odigos's InstrumentationInstance
 * CRD, from `PERSISTENCE`; replaceable with `forRoot({ store })` or `overrideProvider(AGENT_STORE)`) fed by
 * {@link AgentPersistence} from the session events. Pending writes are flushed before shutdown.
 *
 * Import it as is, or as `PersistenceModule.forRoot(options)` to tune it.
 */
@Module({
  imports: [SessionModule, KubernetesModule],
  providers: [
    {
      provide: AGENT_STORE,
      inject: [SERVER_CONFIG, KUBE_CONFIG, { token: PERSISTENCE_OPTIONS, optional: true }],
      useFactory: (
        config: ServerConfig,
        kubeConfig: KubeConfig | undefined,
        options: PersistenceModuleOptions | undefined,
      ) => createAgentStore(config, kubeConfig, options),
    },
    AgentPersistence,
    { provide: PERSISTENCE_STATS, useExisting: AgentPersistence },
  ],
  exports: [AGENT_STORE, AgentPersistence, PERSISTENCE_STATS],
})
export class PersistenceModule extends PersistenceConfigurableModule {}
