import { type Middleware } from 'openapi-fetch';
import { createAdminClient } from '../../../src/client/index.js';
import { adminToken, signInError, signInRequired } from '../auth.js';
import { type ApiError } from './admin-types.js';

/** Sends the admin token with every call; a 401 asks the user to sign in. */
const authentication: Middleware = {
  onRequest({ request }) {
    const token = adminToken.value;
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) {
      if (adminToken.value) signInError.value = 'The server refused this token.';
      signInRequired.value = true;
    }
    return response;
  },
};

/**
 * The admin API of the server that served this page (same origin), through the typed client generated from
 * its OpenAPI document; the token is added per call, as the user signs in and out.
 */
export const api = createAdminClient({ baseUrl: window.location.origin });
api.use(authentication);

/** Thrown for an answer that is not a success: carries the API's message. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** The data of a successful answer, or an {@link ApiCallError} with the server's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T;
  const error = result.error as Partial<ApiError> | undefined;
  const message = Array.isArray(error?.message) ? error.message.join('; ') : error?.message;
  throw new ApiCallError(
    result.response.status,
    message ?? `${result.response.status} ${result.response.statusText}`,
  );
}

/** Fetch with the admin token, for the calls openapi-fetch does not make (the event stream). */
export function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = adminToken.value;
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(new URL(path, window.location.origin), { ...init, headers });
}
