import { type KubeConfig } from '@kubernetes/client-node';
import { type DynamicModule, Module } from '@nestjs/common';
import { type Clock } from '../../common/clock.js';
import {
  ADMIN_OPTIONS,
  AdminAudit,
  AdminListenerClose,
  type AdminOptions,
  AdminTokenGuard,
  ServerIdentity,
} from '../admin/index.js';
import { SERVER_CONFIG, type ServerConfig, ServerConfigModule } from '../config/index.js';
import { CONFIG_STORE, type ConfigStore, KubernetesConfigStore } from '../fleet/index.js';
import { KUBE_CONFIG, KUBERNETES_OPTIONS, KubernetesModule } from '../kubernetes/index.js';
import { AgentLocator } from './agent-locator.js';
import { HubAgentsController } from './hub-agents.controller.js';
import { HubConfigsController } from './hub-configs.controller.js';
import { HubEventsController } from './hub-events.controller.js';
import { HubLiveEvents } from './hub-live-events.js';
import { HubHealthController } from './hub-health.controller.js';
import { HubNodeExtensionController } from './hub-node-extension.controller.js';
import { HubNodesController } from './hub-nodes.controller.js';
import { HUB_OPTIONS, type HubOptions } from './hub.options.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeContacts } from './node-contacts.js';
import { NodeDirectory } from './node-directory.js';

/** What {@link HubModule.forRoot} needs. */
export interface HubModuleOptions {
  /** The parsed settings (`MODE=hub` and the `HUB_*` variables). */
  readonly config: ServerConfig;
  /** The cluster whose EndpointSlices and ConfigMaps the hub watches. */
  readonly kubeConfig: KubeConfig;
  /** Where configs live. Default: the ConfigMap store every node server watches (`CONFIG_LABEL_SELECTOR`). */
  readonly configStore?: ConfigStore;
  /** The clock. Default: the system clock. */
  readonly clock?: Clock;
  /** Waits between attempts to reopen a node server's event stream. Default: 250 ms doubling up to 10 s. */
  readonly eventStreamBackoff?: HubOptions['eventStreamBackoff'];
}

const contextNamespace = (kubeConfig: KubeConfig): string | undefined =>
  kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;

/**
 * The hub (`MODE=hub`): no OpAMP listener and no agents; the admin API for the whole cluster, answered by
 * the node servers it finds through the EndpointSlices of their Service ({@link NodeDirectory}) and calls
 * in parallel with a deadline each ({@link NodeAdminClient}); configs written to the shared ConfigMap store.
 * See docs/hub.md.
 */
@Module({})
export class HubModule {
  static forRoot(options: HubModuleOptions): DynamicModule {
    const { config, kubeConfig } = options;
    const namespace = config.hub.nodeNamespace ?? contextNamespace(kubeConfig) ?? 'default';
    const hubOptions: HubOptions = {
      nodeService: config.hub.nodeService,
      nodeNamespace: namespace,
      nodeAdminPort: config.hub.nodeAdminPort,
      nodeHealthPort: config.hub.nodeHealthPort,
      nodeScheme: config.hub.nodeScheme,
      nodeTimeoutMs: config.hub.nodeTimeoutMs,
      ...(config.hub.nodeToken !== undefined ? { nodeToken: config.hub.nodeToken } : {}),
      maxConcurrentCalls: config.hub.maxConcurrentCalls,
      eventStreamBackoff: options.eventStreamBackoff ?? { initialMs: 250, maxMs: 10_000 },
    };
    return {
      module: HubModule,
      global: true,
      imports: [ServerConfigModule.forRoot({ config, clock: options.clock }), KubernetesModule],
      controllers: [
        HubAgentsController,
        HubConfigsController,
        HubNodesController,
        HubEventsController,
        HubHealthController,
        HubNodeExtensionController,
      ],
      providers: [
        { provide: KUBERNETES_OPTIONS, useValue: { kubeConfig } },
        { provide: HUB_OPTIONS, useValue: hubOptions },
        {
          provide: ADMIN_OPTIONS,
          useFactory: (settings: ServerConfig): AdminOptions => ({ token: settings.admin.token }),
          inject: [SERVER_CONFIG],
        },
        {
          provide: NodeDirectory,
          useFactory: (cluster: KubeConfig) =>
            new NodeDirectory({
              kubeConfig: cluster,
              service: hubOptions.nodeService,
              namespace,
              ports: { admin: hubOptions.nodeAdminPort, health: hubOptions.nodeHealthPort },
            }),
          inject: [KUBE_CONFIG],
        },
        {
          provide: CONFIG_STORE,
          useFactory: (cluster: KubeConfig, settings: ServerConfig): ConfigStore =>
            options.configStore ??
            new KubernetesConfigStore({
              kubeConfig: cluster,
              namespace: settings.kubernetes.podNamespace ?? contextNamespace(cluster) ?? 'default',
              labelSelector: settings.fleet.configLabelSelector,
            }),
          inject: [KUBE_CONFIG, SERVER_CONFIG],
        },
        AdminTokenGuard,
        AdminAudit,
        AdminListenerClose,
        ServerIdentity,
        NodeContacts,
        NodeAdminClient,
        AgentLocator,
        HubLiveEvents,
      ],
      exports: [KUBERNETES_OPTIONS],
    };
  }
}
