import { ConfigurableModuleBuilder, Inject, Optional } from '@nestjs/common';
import { type AgentStore } from './agent-store.interface.js';
import { type Timers } from './timers.js';
import { type WriteBehindOptions } from './write-behind.types.js';

/** Options of `PersistenceModule.forRoot`; every one has a default, and the module also works without `forRoot`. */
export interface PersistenceModuleOptions {
  /** Store to use instead of the one `PERSISTENCE` selects (memory | kubernetes). Default: selected. */
  store?: AgentStore;
  /** Time agents get to come back after start-up before this node's old records are deleted. Default 90 s. */
  startupGraceMs?: number;
  /** Time pending writes get at shutdown. Default 5 s. */
  shutdownFlushMs?: number;
  /** Timeout of each Kubernetes API request. Default 10 s. */
  requestTimeoutMs?: number;
  /** Write-behind queue tuning (concurrency, retry delays). */
  queue?: Partial<WriteBehindOptions>;
  /** Timers for the grace period and retries (tests use fake ones). Default Node's. */
  timers?: Timers;
}

export const {
  ConfigurableModuleClass: PersistenceConfigurableModule,
  MODULE_OPTIONS_TOKEN: PERSISTENCE_OPTIONS,
} = new ConfigurableModuleBuilder<PersistenceModuleOptions>({
  moduleName: 'Persistence',
  optionsInjectionToken: 'OPAMP:PERSISTENCE_OPTIONS',
})
  .setClassMethodName('forRoot')
  .build();

/** Injects the {@link PersistenceModuleOptions} (`{}` when the module was imported without `forRoot`). */
export const InjectPersistenceOptions = (): ParameterDecorator => (target, key, index) => {
  Inject(PERSISTENCE_OPTIONS)(target, key, index);
  Optional()(target, key, index);
};
