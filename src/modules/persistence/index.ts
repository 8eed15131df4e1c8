export { AdaptiveConcurrency, type CallSignal, type ConcurrencyLimits } from './adaptive-concurrency.js';
export { AgentPersistence } from './agent-persistence.service.js';
export { type AgentSnapshot, agentSnapshotMapping } from './agent-snapshot.mapping.js';
export { isManagedByUs, isValidLabelValue } from './custom-resource.labels.js';
export { CustomResourceStore, type CustomResourceStoreOptions } from './custom-resource.store.js';
export { type LatencySnapshot } from './latency-histogram.js';
export { MemoryAgentStore } from './memory-agent.store.js';
export { MANAGED_BY_LABEL, MANAGED_BY_VALUE, NODE_LABEL } from './persistence.constants.js';
export { AgentStoreError, KubernetesPersistenceUnavailableError } from './persistence.errors.js';
export { PERSISTENCE_OPTIONS, type PersistenceModuleOptions } from './persistence.module-definition.js';
export { PersistenceModule } from './persistence.module.js';
export { type Timers, type TimerHandle } from './timers.js';
export {
  DEFAULT_CONCURRENCY_LIMITS,
  type FlushResult,
  type WriteBehindOptions,
  type WriteBehindStats,
  type WriteOperation,
} from './write-behind.types.js';
