export { HealthListener } from './health-listener.js';
export { HEALTH_OPTIONS, type HealthOptions } from './health.options.js';
export { HealthModule } from './health.module.js';
export { type HealthCondition, type HealthReport, Readiness } from './readiness.service.js';
