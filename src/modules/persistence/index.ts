export * from './agent-persistence.service.js';
export * from './agent-record.js';
export * from './agent-store.interface.js';
export {
  InstrumentationInstanceStore,
  type InstrumentationInstanceStoreOptions,
} from './instrumentation-instance.store.js';
export * from './instrumentation-instance.types.js';
export { type LatencySnapshot } from './latency-histogram.js';
export { MemoryAgentStore } from './memory-agent.store.js';
export * from './persistence.constants.js';
export * from './persistence.errors.js';
export { PERSISTENCE_OPTIONS, type PersistenceModuleOptions } from './persistence.module-definition.js';
export * from './persistence.module.js';
export { type Timers, type TimerHandle } from './timers.js';
export {
  type FlushResult,
  type WriteBehindOptions,
  type WriteBehindStats,
  type WriteOperation,
} from './write-behind.types.js';
