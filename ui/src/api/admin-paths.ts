import {
  type AgentDetail,
  type AgentPage,
  type ApiError,
  type Assignment,
  type ConfigDetail,
  type ConfigList,
  type Health,
  type RolloutState,
  type Transport,
} from './admin-types.js';

/** A read-only list answer: packages, connection offers. */
export interface ItemList {
  items: Array<Record<string, unknown>>;
}

/** An answer of one content type, in the shape openapi-fetch reads. */
interface Json<T> {
  headers: Record<string, unknown>;
  content: { 'application/json': T };
}

interface NoBody {
  headers: Record<string, unknown>;
  content?: never;
}

/** The query of `GET /api/v1/agents`; `attr.<key>` filters besides. */
export type AgentListQuery = {
  health?: Health;
  transport?: Transport;
  config?: string;
  state?: RolloutState;
  limit?: number;
  cursor?: string;
} & Record<`attr.${string}`, string>;

/** The admin API routes the UI calls, in openapi-typescript's shape so openapi-fetch types every call. */
export interface AdminPaths {
  '/api/v1/agents': {
    get: {
      parameters: { query?: AgentListQuery };
      responses: { 200: Json<AgentPage>; 400: Json<ApiError>; 401: Json<ApiError> };
    };
  };
  '/api/v1/agents/{id}': {
    get: {
      parameters: { path: { id: string } };
      responses: { 200: Json<AgentDetail>; 401: Json<ApiError>; 404: Json<ApiError> };
    };
  };
  '/api/v1/agents/{id}/restart': {
    post: {
      parameters: { path: { id: string } };
      responses: {
        202: Json<{ agent: string; command: 'restart'; delivery: 'sent' | 'queued' }>;
        401: Json<ApiError>;
        404: Json<ApiError>;
        409: Json<ApiError>;
      };
    };
  };
  '/api/v1/configs': {
    get: {
      parameters: Record<string, never>;
      responses: { 200: Json<ConfigList>; 401: Json<ApiError> };
    };
  };
  '/api/v1/configs/{name}': {
    get: {
      parameters: { path: { name: string } };
      responses: { 200: Json<ConfigDetail>; 401: Json<ApiError>; 404: Json<ApiError> };
    };
    put: {
      parameters: { path: { name: string } };
      requestBody: {
        content: {
          'application/json': {
            files: Record<string, { body: string; contentType?: string; encoding?: 'utf8' | 'base64' }>;
          };
        };
      };
      responses: {
        200: Json<ConfigDetail>;
        201: Json<ConfigDetail>;
        400: Json<ApiError>;
        401: Json<ApiError>;
        422: Json<ApiError>;
      };
    };
    delete: {
      parameters: { path: { name: string } };
      responses: { 204: NoBody; 401: Json<ApiError>; 404: Json<ApiError> };
    };
  };
  '/api/v1/configs/{name}/assignments/{assignment}': {
    put: {
      parameters: { path: { name: string; assignment: string } };
      requestBody: {
        content: { 'application/json': { selector: Record<string, string> } | { agent: string } };
      };
      responses: {
        200: Json<Assignment>;
        201: Json<Assignment>;
        400: Json<ApiError>;
        401: Json<ApiError>;
        404: Json<ApiError>;
      };
    };
    delete: {
      parameters: { path: { name: string; assignment: string } };
      responses: { 204: NoBody; 401: Json<ApiError>; 404: Json<ApiError> };
    };
  };
  '/api/v1/packages': {
    get: {
      parameters: Record<string, never>;
      responses: { 200: Json<ItemList>; 401: Json<ApiError> };
    };
  };
  '/api/v1/connection-offers': {
    get: {
      parameters: Record<string, never>;
      responses: { 200: Json<ItemList>; 401: Json<ApiError> };
    };
  };
}
