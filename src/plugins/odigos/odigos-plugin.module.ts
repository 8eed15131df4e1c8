import { type KubeConfig } from '@kubernetes/client-node';
import { type DynamicModule, Module } from '@nestjs/common';
import {
  AdminAccessModule,
  CLOCK,
  type Clock,
  DevicePodResolver,
  EnrichmentModule,
  KUBE_CONFIG,
  KubeletPodResourcesClient,
} from '../../index.js';
import { InstrumentationConfigCache } from './instrumentation-config/instrumentation-config.cache.js';
import {
  DEFAULT_ODIGOS_PLUGIN_OPTIONS,
  ODIGOS_PLUGIN_OPTIONS,
  type OdigosPluginOptions,
} from './odigos-plugin.options.js';
import { OdigosPlacementService } from './odigos-placement.service.js';
import { OdigosPlugin } from './odigos.plugin.js';
import { OdigosWorkloadsController } from './workloads/odigos-workloads.controller.js';

/**
 * The Odigos conventions as a plugin: `OpampModule.forRoot({ plugins: [OdigosPluginModule.forRoot()] })`, or
 * `PLUGINS=odigos` for the server as shipped. Brings its InstrumentationConfig watch, its kubelet device
 * lookup (devices of `odigos.io` resources), its InstrumentationInstance record mapping, and an admin route
 * listing its workloads (`GET /api/v1/odigos/workloads`).
 */
@Module({})
export class OdigosPluginModule {
  static forRoot(options: Partial<OdigosPluginOptions> = {}): DynamicModule {
    const resolved: OdigosPluginOptions = {
      ...DEFAULT_ODIGOS_PLUGIN_OPTIONS,
      ...options,
      deviceIdHeader: (options.deviceIdHeader ?? DEFAULT_ODIGOS_PLUGIN_OPTIONS.deviceIdHeader).toLowerCase(),
    };
    return {
      module: OdigosPluginModule,
      // The admin API's guard for its route, `GET /api/v1/odigos/workloads`.
      imports: [EnrichmentModule, AdminAccessModule],
      controllers: [OdigosWorkloadsController],
      providers: [
        { provide: ODIGOS_PLUGIN_OPTIONS, useValue: resolved },
        {
          provide: InstrumentationConfigCache,
          inject: [KUBE_CONFIG],
          useFactory: (kubeConfig: KubeConfig | undefined) => new InstrumentationConfigCache(kubeConfig),
        },
        {
          provide: DevicePodResolver,
          inject: [KubeletPodResourcesClient, CLOCK],
          useFactory: (kubelet: KubeletPodResourcesClient, clock: Clock) =>
            new DevicePodResolver(kubelet, { resourceNameFilter: resolved.deviceResourceFilter, clock }),
        },
        OdigosPlacementService,
        OdigosPlugin,
      ],
      exports: [OdigosPlugin, InstrumentationConfigCache, DevicePodResolver],
    };
  }
}
