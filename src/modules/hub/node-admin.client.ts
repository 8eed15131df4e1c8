import { Injectable } from '@nestjs/common';
import { NodeCallError } from './node-call.errors.js';
import { NodeContacts } from './node-contacts.js';
import { type NodeEndpoint } from './node-endpoint.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';

/** An answer of a node server: its status and its JSON body (undefined when empty). */
export interface NodeAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/** One call to a node server's admin API. */
export interface NodeRequest {
  readonly method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path and query, e.g. `/api/v1/agents?limit=10`. */
  readonly path: string;
  readonly body?: unknown;
  /** Aborts the call early (the hub's own request went away). */
  readonly signal?: AbortSignal;
  /** Call the probes port instead of the admin port (`/readyz`). */
  readonly port?: 'admin' | 'health';
}

function causeOf(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** A refused token or a failing server is a failed contact; a 404 or 409 is an answer like any other. */
const contactFailed = (status: number): boolean => status >= 500 || status === 401 || status === 403;

/**
 * Calls one node server's admin API (or its probes port) with the hub's bearer token and the per-node
 * deadline, and records the outcome in {@link NodeContacts}. Every call the hub makes to a node goes
 * through here.
 */
@Injectable()
export class NodeAdminClient {
  constructor(
    @InjectHubOptions() private readonly options: HubOptions,
    private readonly contacts: NodeContacts,
  ) {}

  /**
   * The node's answer, whatever its status.
   * @throws NodeCallError `timeout`, `unreachable`, or `error` for a body that is not JSON.
   */
  async call<T = unknown>(endpoint: NodeEndpoint, request: NodeRequest): Promise<NodeAnswer<T>> {
    const url = this.urlOf(endpoint, request);
    // The deadline covers the answer's body too; whether it fired is what makes a failure a timeout.
    const deadline = AbortSignal.timeout(this.options.nodeTimeoutMs);
    const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.nodeToken !== undefined && request.port !== 'health')
      headers.authorization = `Bearer ${this.options.nodeToken}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(url, {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
      const text = await response.text();
      const answer = { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
      if (contactFailed(response.status)) {
        this.contacts.failed(endpoint.node, 'error', `HTTP ${response.status}: ${messageOf(answer.body)}`);
      } else this.contacts.succeeded(endpoint.node);
      return answer;
    } catch (error) {
      const failure =
        error instanceof NodeCallError
          ? error
          : deadline.aborted
            ? new NodeCallError(endpoint.node, 'timeout', `no answer within ${this.options.nodeTimeoutMs} ms`)
            : error instanceof SyntaxError
              ? new NodeCallError(endpoint.node, 'error', `the answer is not JSON: ${error.message}`)
              : new NodeCallError(endpoint.node, 'unreachable', `${url.origin}: ${causeOf(error)}`);
      this.contacts.failed(endpoint.node, failure.reason, failure.detail);
      throw failure;
    }
  }

  /**
   * The node's answer when it is a success (2xx).
   * @throws NodeCallError as {@link call}, and `error` for any other status.
   */
  async ok<T = unknown>(endpoint: NodeEndpoint, request: NodeRequest): Promise<T> {
    const answer = await this.call<T>(endpoint, request);
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    throw new NodeCallError(
      endpoint.node,
      'error',
      `HTTP ${answer.status}: ${messageOf(answer.body)}`,
      answer.status,
    );
  }

  private urlOf(endpoint: NodeEndpoint, request: NodeRequest): URL {
    const health = request.port === 'health';
    const port = health ? endpoint.healthPort : endpoint.adminPort;
    if (port === undefined) {
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
    return new URL(`${scheme}://${host}:${port}${request.path}`);
  }
}

/** The `message` of an error body, else the body itself, short. */
export function messageOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body) return String(body.message);
  return JSON.stringify(body ?? null).slice(0, 200);
}
