import { ConfigurableModuleBuilder, Inject, Optional } from '@nestjs/common';
import { type AgentStore } from '../../plugin-api/index.js';
import { type Timers } from './timers.js';
import { type WriteBehindOptions } from './write-behind.types.js';

/**
 * Options of the {@link PersistenceModule}. `OpampModule` provides them from the server settings and its own
 * options; every one has a default, so the module also works on its own (`PersistenceModule.forRoot()`).
 */
export interface PersistenceModuleOptions {
  /** Store to use instead of the one {@link mode} selects. Default: selected. */
  store?: AgentStore;
  /**
   * Where records go without a `store`: `memory`, or `kubernetes` (the record mapping's custom resource;
   * a mapping without one falls back to memory). Default `memory`.
   */
  mode?: 'memory' | 'kubernetes';
  /** This node's name: the label of the objects this server writes, listed at start-up. Default the host name. */
  nodeName?: string;
  /** Time a dropped WebSocket agent has to come back before its record is removed. Default 75 s. */
  staleAfterMs?: number;
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

/** Injects the {@link PersistenceModuleOptions} (`{}` when nothing provides them). */
export const InjectPersistenceOptions = (): ParameterDecorator => (target, key, index) => {
  Inject(PERSISTENCE_OPTIONS)(target, key, index);
  Optional()(target, key, index);
};
