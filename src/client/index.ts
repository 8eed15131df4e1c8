import { type AdminApiSchemas } from './admin-client.js';

export {
  type AdminApiPaths,
  type AdminApiSchemas,
  type AdminClient,
  type AdminClientOptions,
  createAdminClient,
} from './admin-client.js';

/** One line of the agents list and of live events. */
export type AgentSummary = AdminApiSchemas['AgentSummary'];
/** Everything the server knows about one agent. */
export type AgentDetail = AdminApiSchemas['AgentDetail'];
/** The body of every 4xx and 5xx answer. */
export type ApiError = AdminApiSchemas['ApiError'];
