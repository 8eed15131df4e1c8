import { type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig, ServerConfigModule } from './modules/config/index.js';
import { FLEET_OPTIONS, type FleetModuleOptions } from './modules/fleet/index.js';
import { KUBERNETES_OPTIONS, type KubernetesModuleOptions } from './modules/kubernetes/index.js';
import { PERSISTENCE_OPTIONS, type PersistenceModuleOptions } from './modules/persistence/index.js';
import { OpampPlugin } from './modules/plugins/index.js';
import { OPAMP_MODULE_OPTIONS, type OpampModuleOptions } from './opamp.module-definition.js';

/** The settings and the clock, from the module's options: parsed once, whether options came sync or async. */
export function settingsModule(): DynamicModule {
  return ServerConfigModule.forRootAsync({
    inject: [OPAMP_MODULE_OPTIONS],
    useFactory: (options: OpampModuleOptions) => ({
      config: options.config,
      env: options.env,
      clock: options.clock,
    }),
  });
}

/** Each module's options, mapped once from the module's options and the settings. */
export function moduleOptionProviders(): Provider[] {
  return [
    {
      provide: KUBERNETES_OPTIONS,
      inject: [OPAMP_MODULE_OPTIONS],
      useFactory: (options: OpampModuleOptions): KubernetesModuleOptions =>
        options.kubeConfig !== undefined ? { kubeConfig: options.kubeConfig } : {},
    },
    {
      provide: FLEET_OPTIONS,
      inject: [OPAMP_MODULE_OPTIONS],
      useFactory: (options: OpampModuleOptions): FleetModuleOptions =>
        options.configStore ? { configStore: options.configStore } : {},
    },
    {
      provide: PERSISTENCE_OPTIONS,
      inject: [OPAMP_MODULE_OPTIONS, SERVER_CONFIG],
      useFactory: (options: OpampModuleOptions, config: ServerConfig): PersistenceModuleOptions => ({
        ...options.persistence,
        queue: { concurrency: config.kubernetes.writeConcurrency, ...options.persistence?.queue },
        mode: config.kubernetes.persistence,
        nodeName: config.kubernetes.nodeName,
        staleAfterMs: config.heartbeat.staleAfterMs,
        ...(options.agentStore ? { store: options.agentStore } : {}),
      }),
    },
  ];
}

/** The tokens {@link moduleOptionProviders} provides. */
export const MODULE_OPTION_TOKENS = [KUBERNETES_OPTIONS, FLEET_OPTIONS, PERSISTENCE_OPTIONS];

/** `@OpampPlugin` classes become providers; anything else given as a plugin is a module to import. */
export function splitPlugins(plugins: ReadonlyArray<Type | DynamicModule> = []): {
  providers: Type[];
  imports: Array<Type | DynamicModule>;
} {
  const providers: Type[] = [];
  const imports: Array<Type | DynamicModule> = [];
  for (const plugin of plugins) {
    if (typeof plugin === 'function' && Reflect.hasMetadata(OpampPlugin.KEY, plugin)) providers.push(plugin);
    else imports.push(plugin);
  }
  return { providers, imports };
}
