import createClient, { type Client } from 'openapi-fetch';
import { type components, type paths } from './generated/admin-api.js';

/** The admin API's paths and operations, as generated from its OpenAPI document. */
export type AdminApiPaths = paths;

/** The admin API's named schemas (`AgentSummary`, `AgentDetail`, `ApiError`, ...). */
export type AdminApiSchemas = components['schemas'];

/** A typed admin API client: `client.GET('/api/v1/agents', { params: { query: { limit: 10 } } })`. */
export type AdminClient = Client<paths>;

/** Options of {@link createAdminClient}. */
export interface AdminClientOptions {
  /** Where the admin API is served, e.g. `http://127.0.0.1:8080` (no trailing `/api/v1`). */
  readonly baseUrl: string;
  /** `ADMIN_TOKEN`, sent as `Authorization: Bearer <token>`; omit when the server has none. */
  readonly token?: string;
  /** The fetch to call; default `globalThis.fetch`. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/**
 * A client of one server's admin API, typed from its OpenAPI document. It runs in browsers and Node alike
 * (it only needs `fetch`). Each call answers `{ data }` on 2xx, `{ error }` (an `ApiError`) otherwise, and
 * `response` either way.
 */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
