import { type KubeConfig } from '@kubernetes/client-node';
import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KUBE_CONFIG } from '../kubernetes/index.js';
import { SessionModule } from '../session/index.js';
import { ConfigRollout } from './config-rollout.service.js';
import { createConfigStore } from './config-store.factory.js';
import { FleetConfigPlugin } from './fleet-config.plugin.js';
import { CONFIG_STORE } from './fleet.constants.js';
import { FleetConfigs } from './fleet-configs.service.js';

/**
 * Remote configuration for the fleet: the {@link CONFIG_STORE} (memory, or ConfigMaps from `CONFIG_STORE`),
 * the {@link ConfigRollout} that resolves and pushes each agent's config, the fleet-config plugin that
 * answers `remoteConfig`, and {@link FleetConfigs}, the operations the admin API offers.
 */
@Module({
  imports: [SessionModule],
  providers: [
    {
      provide: CONFIG_STORE,
      inject: [SERVER_CONFIG, KUBE_CONFIG],
      useFactory: (config: ServerConfig, kubeConfig: KubeConfig | undefined) =>
        createConfigStore(config, kubeConfig),
    },
    ConfigRollout,
    FleetConfigPlugin,
    FleetConfigs,
  ],
  exports: [CONFIG_STORE, ConfigRollout, FleetConfigs],
})
export class FleetModule {}
