import { type KubeConfig } from '@kubernetes/client-node';
import { ConfigurableModuleBuilder, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { type Clock } from './common/clock.js';
import { type ServerConfig } from './modules/config/index.js';
import { type ConfigStore } from './modules/fleet/index.js';
import { type PersistenceModuleOptions } from './modules/persistence/index.js';
import { type AgentStore } from './plugin-api/index.js';

/**
 * Options of {@link OpampModule}: the same for `forRoot` and `forRootAsync` (where a factory returns them).
 * The settings are parsed once, from `config` or else `env`; the infrastructure given here is what every
 * module uses.
 */
export interface OpampModuleOptions {
  /** Settings already parsed with `parseServerConfig`. When given, `env` is not read. */
  config?: ServerConfig;
  /**
   * Variables to parse (the names of `docs/configuration.md`: `OPAMP_PORT`, `PERSISTENCE`, ...). Default:
   * `process.env`. When given, `process.env` is not read.
   */
  env?: Record<string, string | undefined>;
  /** The clock every module reads. Default: the system clock. */
  clock?: Clock;
  /**
   * The Kubernetes client configuration; `null` to run without Kubernetes. Default: loaded when there is a
   * cluster to talk to (in a pod, `KUBECONFIG` set, or `PERSISTENCE=kubernetes`).
   */
  kubeConfig?: KubeConfig | null;
  /** Where agents' records are written. Default: memory, or the record mapping's custom resource (`PERSISTENCE`). */
  agentStore?: AgentStore;
  /** Where remote configs and assignments live. Default: memory or ConfigMaps (`CONFIG_STORE`). */
  configStore?: ConfigStore;
  /** Persistence tuning: start-up grace, shutdown flush, request timeout, queue, timers. */
  persistence?: Omit<PersistenceModuleOptions, 'store' | 'mode' | 'nodeName' | 'staleAfterMs'>;
}

/** Options that shape the module itself, so they are never asynchronous; `forRoot` and `forRootAsync` take both. */
export interface OpampModuleExtras {
  /** Your plugins: `@OpampPlugin` provider classes, or modules that provide them (e.g. a plugin's `forRoot()`). */
  plugins?: Array<Type | DynamicModule>;
  /** Modules your plugins depend on. Default none. */
  imports?: Array<Type | DynamicModule>;
  /** Extra providers for your plugins. Default none. */
  providers?: Provider[];
}

export const {
  ConfigurableModuleClass: OpampConfigurableModule,
  MODULE_OPTIONS_TOKEN: OPAMP_MODULE_OPTIONS,
  OPTIONS_TYPE: OPAMP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: OPAMP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OpampModuleOptions>({
  moduleName: 'Opamp',
  optionsInjectionToken: 'OPAMP:MODULE_OPTIONS',
})
  .setClassMethodName('forRoot')
  .setExtras<OpampModuleExtras>({ plugins: [], imports: [], providers: [] }, (definition) => definition)
  .build();
