import { Injectable } from '@nestjs/common';
import { type z } from 'zod';
import { type AdminClient, createAdminClient } from '../../client/index.js';
import { type ApiError, apiErrorSchema } from '../admin/index.js';
import { NodeCallError } from './node-call.errors.js';
import { NodeContacts } from './node-contacts.js';
import { type NodeEndpoint } from './node-endpoint.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';

/** An answer of a node server, checked against the admin API's contract: the body on 2xx, else its `ApiError`. */
export type NodeAnswer<T> =
  | { readonly status: number; readonly ok: true; readonly body: T }
  | { readonly status: number; readonly ok: false; readonly body: ApiError | undefined };

/** What an openapi-fetch call resolves to, the parts the hub reads. */
interface TypedResult {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * One typed call of the node's admin API: `(api, signal) => api.GET('/api/v1/agents', { signal })`. The
 * signal carries the deadline and must be passed on.
 */
export type NodeCall = (api: AdminClient, signal: AbortSignal) => Promise<TypedResult>;

function causeOf(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** A refused token or a failing server is a failed contact; a 404 or 409 is an answer like any other. */
const contactFailed = (status: number): boolean => status >= 500 || status === 401 || status === 403;

const firstIssue = (error: z.ZodError): string => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : error.message;
};

/**
 * Calls one node server's admin API with the typed client (`opamp-nest/client`), the hub's bearer token and
 * the per-node deadline, checks the answer against the contract's schema, and records the outcome in
 * {@link NodeContacts}. Every call the hub makes to a node goes through here: an answer off the contract
 * (a missing field, a wrong type, a body that is not JSON) is that node's `error`, never passed on.
 */
@Injectable()
export class NodeAdminClient {
  private readonly clients = new Map<string, AdminClient>();

  constructor(
    @InjectHubOptions() private readonly options: HubOptions,
    private readonly contacts: NodeContacts,
  ) {}

  /**
   * The node's answer, whatever its status: the 2xx body parsed with `schema` (none for an empty answer),
   * the `ApiError` otherwise.
   * @throws NodeCallError `timeout`, `unreachable`, or `error` for an answer off the contract.
   */
  async call<T>(
    endpoint: NodeEndpoint,
    schema: z.ZodType<T> | undefined,
    call: NodeCall,
    signal?: AbortSignal,
  ): Promise<NodeAnswer<T>> {
    const api = this.clientOf(endpoint);
    // The deadline covers the answer's body too; whether it fired is what makes a failure a timeout.
    const deadline = AbortSignal.timeout(this.options.nodeTimeoutMs);
    try {
      const result = await call(api, signal ? AbortSignal.any([deadline, signal]) : deadline);
      const answer = this.checked(endpoint, schema, result);
      if (!answer.ok && contactFailed(answer.status)) {
        this.contacts.failed(endpoint.node, 'error', `HTTP ${answer.status}: ${messageOf(answer.body)}`);
      } else this.contacts.succeeded(endpoint.node);
      return answer;
    } catch (error) {
      throw this.failure(endpoint, error, deadline);
    }
  }

  /**
   * The node's answer when it is a success (2xx), parsed with `schema`.
   * @throws NodeCallError as {@link call}, and `error` for any other status.
   */
  async ok<T>(
    endpoint: NodeEndpoint,
    schema: z.ZodType<T>,
    call: NodeCall,
    signal?: AbortSignal,
  ): Promise<T> {
    const answer = await this.call(endpoint, schema, call, signal);
    if (answer.ok) return answer.body;
    throw new NodeCallError(
      endpoint.node,
      'error',
      `HTTP ${answer.status}: ${messageOf(answer.body)}`,
      answer.status,
    );
  }

  /**
   * Opens a long-lived answer (`GET /api/v1/events`): the deadline covers only the wait for its headers,
   * `signal` ends the stream.
   * @throws NodeCallError as {@link call}, and `error` for a status other than 200 or a body that is not
   * `text/event-stream`.
   */
  async stream(endpoint: NodeEndpoint, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const api = this.clientOf(endpoint);
    // One controller held by the caller's signal for the stream's whole life: it ends the answer's body.
    const stop = new AbortController();
    const end = (): void => stop.abort(signal.reason);
    signal.addEventListener('abort', end, { once: true });
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      deadline.abort();
      stop.abort();
    }, this.options.nodeTimeoutMs);
    try {
      const { response } = await api.GET('/api/v1/events', { parseAs: 'stream', signal: stop.signal });
      const type = response.headers.get('content-type') ?? '';
      if (response.status !== 200 || !type.includes('text/event-stream') || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new NodeCallError(
          endpoint.node,
          'error',
          `GET /api/v1/events answered ${response.status} ${type || 'without a content type'}`,
          response.status,
        );
      }
      this.contacts.succeeded(endpoint.node);
      return response.body;
    } catch (error) {
      signal.removeEventListener('abort', end);
      throw this.failure(endpoint, error, deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The status of the node's `/readyz` on its probes port (plain HTTP, no token: not part of the admin API).
   * @throws NodeCallError `timeout` or `unreachable`.
   */
  async readiness(endpoint: NodeEndpoint): Promise<number> {
    const url = this.urlOf(endpoint, 'health', '/readyz');
    const deadline = AbortSignal.timeout(this.options.nodeTimeoutMs);
    try {
      const response = await fetch(url, { signal: deadline });
      await response.body?.cancel().catch(() => undefined);
      return response.status;
    } catch (error) {
      throw this.failure(endpoint, error, deadline);
    }
  }

  private checked<T>(
    endpoint: NodeEndpoint,
    schema: z.ZodType<T> | undefined,
    result: TypedResult,
  ): NodeAnswer<T> {
    const { response } = result;
    const status = response.status;
    if (response.ok) {
      if (schema === undefined) {
        if (result.data === undefined) return { status, ok: true, body: undefined as T };
        throw new NodeCallError(endpoint.node, 'error', `HTTP ${status} has a body where none is documented`);
      }
      const parsed = schema.safeParse(result.data);
      if (!parsed.success) {
        throw new NodeCallError(
          endpoint.node,
          'error',
          `the answer to ${response.url ? new URL(response.url).pathname : 'a call'} is off the admin API's ` +
            `contract (${firstIssue(parsed.error)})`,
          status,
        );
      }
      return { status, ok: true, body: parsed.data };
    }
    if (result.error === undefined) return { status, ok: false, body: undefined };
    const parsed = apiErrorSchema.safeParse(result.error);
    if (!parsed.success) {
      throw new NodeCallError(
        endpoint.node,
        'error',
        `HTTP ${status} with a body that is not an ApiError: ${messageOf(result.error)}`,
        status,
      );
    }
    return { status, ok: false, body: parsed.data };
  }

  private failure(endpoint: NodeEndpoint, error: unknown, deadline: AbortSignal | undefined): NodeCallError {
    const failure =
      error instanceof NodeCallError
        ? error
        : deadline?.aborted
          ? new NodeCallError(endpoint.node, 'timeout', `no answer within ${this.options.nodeTimeoutMs} ms`)
          : error instanceof SyntaxError
            ? new NodeCallError(endpoint.node, 'error', `the answer is not JSON: ${error.message}`)
            : new NodeCallError(
                endpoint.node,
                'unreachable',
                `${this.originOf(endpoint)}: ${causeOf(error)}`,
              );
    this.contacts.failed(endpoint.node, failure.reason, failure.detail);
    return failure;
  }

  private originOf(endpoint: NodeEndpoint): string {
    try {
      return this.urlOf(endpoint, 'admin', '').origin;
    } catch {
      return endpoint.address;
    }
  }

  /** The typed client of a node's admin API, one per address and port. */
  private clientOf(endpoint: NodeEndpoint): AdminClient {
    const baseUrl = this.urlOf(endpoint, 'admin', '').origin;
    let client = this.clients.get(baseUrl);
    if (!client) {
      client = createAdminClient({ baseUrl, token: this.options.nodeToken });
      this.clients.set(baseUrl, client);
      // Pods come and go: keep the clients of the addresses seen lately only.
      if (this.clients.size > 4096) this.clients.delete(this.clients.keys().next().value!);
    }
    return client;
  }

  private urlOf(endpoint: NodeEndpoint, port: 'admin' | 'health', path: string): URL {
    const health = port === 'health';
    const number = health ? endpoint.healthPort : endpoint.adminPort;
    if (number === undefined) {
      const wanted = health ? this.options.nodeHealthPort : this.options.nodeAdminPort;
      const failure = new NodeCallError(
        endpoint.node,
        'unreachable',
        `the EndpointSlice has no port named "${wanted}" (HUB_NODE_${health ? 'HEALTH' : 'ADMIN'}_PORT)`,
      );
      this.contacts.failed(endpoint.node, failure.reason, failure.detail);
      throw failure;
    }
    const host = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
    // Probes are plain HTTP on their own port, whatever the admin listener serves.
    const scheme = health ? 'http' : this.options.nodeScheme;
    return new URL(`${scheme}://${host}:${number}${path}`);
  }
}

/** The `message` of an error body, else the body itself, short. */
export function messageOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body) return String(body.message);
  return JSON.stringify(body ?? null).slice(0, 200);
}
