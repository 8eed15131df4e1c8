/** Label on every object this server created; objects without it are never modified or deleted. */
export const MANAGED_BY_LABEL = 'opamp-nest.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY_VALUE = 'opamp-nest';
/** Label holding the node whose server wrote the object, for start-up clean-up. */
export const NODE_LABEL = 'opamp-nest.io/node';

/** Default time agents get to come back after start-up before their old records are deleted. */
export const DEFAULT_STARTUP_GRACE_MS = 90_000;
/** Default time pending writes get at shutdown. */
export const DEFAULT_SHUTDOWN_FLUSH_MS = 5_000;
/** Default timeout of one Kubernetes API request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default time a dropped WebSocket agent has to come back before its record is removed (STALE_AFTER_S). */
export const DEFAULT_STALE_AFTER_MS = 75_000;
