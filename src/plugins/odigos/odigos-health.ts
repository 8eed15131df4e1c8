import { ODIGOS_HEALTH_STATUSES, type OdigosHealthStatus } from './odigos.constants.js';

const KNOWN = new Set<string>(ODIGOS_HEALTH_STATUSES);

/** The Odigos health status a reported `ComponentHealth.status` string means; unknown strings are `Unknown`. */
export function odigosHealthStatus(reported: string | undefined): OdigosHealthStatus {
  return reported !== undefined && KNOWN.has(reported) ? (reported as OdigosHealthStatus) : 'Unknown';
}
