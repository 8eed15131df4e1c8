import { type KubeConfig } from '@kubernetes/client-node';
import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../kubernetes/index.js';
import { SessionModule } from '../session/index.js';
import { ConfigRollout } from './config-rollout.service.js';
import { createConfigStore } from './config-store.factory.js';
import { FleetConfigPlugin } from './fleet-config.plugin.js';
import { CONFIG_STORE } from './fleet.constants.js';
import { FLEET_OPTIONS, type FleetModuleOptions } from './fleet.options.js';
import { FleetConfigs } from './fleet-configs.service.js';

/**
 * Remote configuration for the fleet: the {@link CONFIG_STORE} (`OpampModule.forRoot({ configStore })`, else
 * memory or ConfigMaps as `CONFIG_STORE` says),
 * the {@link ConfigRollout} that resolves and pushes each agent's config, the fleet-config plugin that
 * answers `remoteConfig`, and {@link FleetConfigs}, the operations the admin API offers.
 */
@Module({
  imports: [SessionModule, KubernetesModule],
  providers: [
    {
      provide: CONFIG_STORE,
      inject: [SERVER_CONFIG, KUBE_CONFIG, { token: FLEET_OPTIONS, optional: true }],
      useFactory: (config: ServerConfig, kubeConfig: KubeConfig | undefined, options?: FleetModuleOptions) =>
        options?.configStore ?? createConfigStore(config, kubeConfig),
    },
    ConfigRollout,
    FleetConfigPlugin,
    FleetConfigs,
  ],
  exports: [CONFIG_STORE, ConfigRollout, FleetConfigs],
})
export class FleetModule {}
