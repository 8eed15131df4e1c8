export {
  PERSISTENCE_STATS,
  type PersistenceStats,
  type PersistenceStatsSource,
} from '../../common/persistence-stats.js';
export * from './message-kind.js';
export * from './metrics.constants.js';
export * from './metrics.module.js';
export * from './opamp-metrics.js';
export { type BuildInfo, readBuildInfo } from './build-info.js';
