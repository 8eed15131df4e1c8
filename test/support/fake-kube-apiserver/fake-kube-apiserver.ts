import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type KubeConfig } from '@kubernetes/client-node';
import { apiResourceList, nonResourceResponse } from './discovery.js';
import { FaultInjector } from './faults.js';
import { isRecord, type KubeObject, type SeedObject, type StoredObject } from './kube-object.js';
import {
  createKubeConfig,
  DEFAULT_FAKE_TOKEN,
  type FakeKubeConfigOptions,
  type KubeConfigFile,
  writeKubeConfigFile,
} from './kubeconfig.js';
import { ObjectStore } from './object-store.js';
import { type KubeVerb, type RequestInfo } from './request-info.js';
import { RequestLog } from './request-log.js';
import { parseRequestPath, type PathTarget, type ResourceTarget } from './request-path.js';
import {
  compileSelectors,
  presenter,
  requiredLabels,
  ResourceHandler,
  type Selectors,
} from './resource-handler.js';
import {
  ResourceRegistry,
  type ResourceType,
  storageKey,
  UnknownResourceError,
} from './resource-registry.js';
import { badRequest, KubeApiError, unknownResource } from './status.js';
import { WatchHub } from './watch-hub.js';

/** Options of `FakeKubeApiServer`. */
export interface FakeKubeApiServerOptions {
  /** If set, requests without `Authorization: Bearer <token>` get 401. Default: no authentication. */
  token?: string;
  /** Resources served besides `BUILTIN_RESOURCES` (e.g. other CRDs). */
  resources?: readonly ResourceType[];
  /** Changes kept for resuming watches; a watch from an older resourceVersion gets 410 Expired. */
  watchHistoryLimit?: number;
  /**
   * Whether `requests` records every request (the default). A long run that never reads them (a soak) turns
   * it off, so the log does not grow the process's heap, and its garbage collections, for the whole run.
   */
  recordRequests?: boolean;
}

/** Misuse of the fake server itself (not an API error). */
export class FakeKubeApiServerError extends Error {
  override readonly name = 'FakeKubeApiServerError';
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;
const TRUE_VALUES = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

function verbOf(method: string, target: ResourceTarget, query: Record<string, string>): KubeVerb | undefined {
  const watch = query.watch !== undefined && TRUE_VALUES.has(query.watch);
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return target.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return target.name === undefined ? 'deletecollection' : 'delete';
    default:
      return undefined;
  }
}

function describeRequest(
  method: string,
  path: string,
  query: Record<string, string>,
  target: PathTarget,
): RequestInfo {
  if (target.kind !== 'resource') return { method, path, query };
  const verb = verbOf(method, target, query);
  return {
    method,
    path,
    query,
    ...(verb ? { verb } : {}),
    group: target.resource.group,
    version: target.version,
    resource: target.resource.plural,
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    ...(target.name !== undefined ? { name: target.name } : {}),
    ...(target.subresource !== undefined ? { subresource: target.subresource } : {}),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new KubeApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  if (contentType !== '' && !contentType.includes('json')) {
    throw new KubeApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format (${contentType}); the fake server only accepts JSON`,
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

function sendError(
  response: ServerResponse,
  error: KubeApiError,
  headers: Record<string, string> = {},
): void {
  send(response, error.code, 'application/json', JSON.stringify(error.toStatus()), headers);
}

/**
 * An in-process fake of the Kubernetes API server on `127.0.0.1`, for driving the real
 * `@kubernetes/client-node` in tests: generic CRUD, status subresources, selectors, watches,
 * fault injection and a request log.
 */
export class FakeKubeApiServer {
  /** Served resource types; `registerResource()` adds more. */
  readonly registry: ResourceRegistry;
  /** Object storage, for direct access beyond `seed`/`get`/`list`. */
  readonly store: ObjectStore;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** Every request received, including failed ones (none with `recordRequests: false`). */
  readonly requests = new RequestLog();

  private readonly watches: WatchHub;
  private readonly handler: ResourceHandler;
  private server: Server | undefined;
  private port: number | undefined;
  private readonly pendingDelays = new Set<() => void>();

  constructor(private readonly options: FakeKubeApiServerOptions = {}) {
    this.registry = new ResourceRegistry();
    for (const resource of options.resources ?? []) this.registry.register(resource);
    this.store = new ObjectStore(options.watchHistoryLimit);
    this.watches = new WatchHub(this.store);
    this.handler = new ResourceHandler(this.store);
    this.faults = new FaultInjector((mode, match) =>
      this.watches.closeAll(mode === 'reset' ? 'destroy' : 'end', match),
    );
  }

  /** Creates and starts a server. */
  static async start(options: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
    return new FakeKubeApiServer(options).start();
  }

  /**
   * Listens on `127.0.0.1`: on a free port the first time, on the same port after `close()` (a
   * restart that keeps the stored objects, so existing `KubeConfig`s keep working).
   */
  async start(): Promise<this> {
    if (this.server) throw new FakeKubeApiServerError('the fake API server is already started');
    const server = createServer((request, response) => {
      void this.onRequest(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Ends open watch streams, drops all connections and frees the port; objects are kept. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.watches.closeAll('end');
    for (const release of this.pendingDelays) release();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    if (this.port === undefined) throw new FakeKubeApiServerError('the fake API server is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** The latest resourceVersion. */
  get resourceVersion(): string {
    return this.store.resourceVersion;
  }

  /** Number of watch streams currently open. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** A `KubeConfig` for this server (token defaults to the server's required token, if any). */
  kubeConfig(options: FakeKubeConfigOptions = {}): KubeConfig {
    return createKubeConfig(this.url, { token: this.options.token ?? DEFAULT_FAKE_TOKEN, ...options });
  }

  /** Writes a kubeconfig file for this server into a new temporary directory. */
  writeKubeConfig(options: FakeKubeConfigOptions = {}): Promise<KubeConfigFile> {
    return writeKubeConfigFile(this.url, { token: this.options.token ?? DEFAULT_FAKE_TOKEN, ...options });
  }

  /** Serves one more resource type. */
  registerResource(resource: ResourceType): void {
    this.registry.register(resource);
  }

  /**
   * Stores an object as-is (status included), creating or replacing it; the resource is found
   * from `apiVersion` and `kind`, and a namespaced object without namespace goes to `default`.
   * Watchers see the write.
   */
  seed<T extends SeedObject>(object: T): StoredObject {
    const normalized: unknown = JSON.parse(JSON.stringify(object));
    if (
      !isRecord(normalized) ||
      typeof normalized.apiVersion !== 'string' ||
      typeof normalized.kind !== 'string'
    ) {
      throw new FakeKubeApiServerError('seeded objects need apiVersion and kind');
    }
    const resource = this.registry.findByKind(normalized.apiVersion, normalized.kind);
    return this.store.put(resource, normalized as KubeObject);
  }

  /** A copy of a stored object (`namespace` is ignored for cluster-scoped resources). */
  get(
    group: string,
    version: string,
    plural: string,
    namespace: string | undefined,
    name: string,
  ): StoredObject | undefined {
    const resource = this.resource(group, version, plural);
    const found = this.store.get(resource, resource.namespaced ? (namespace ?? '') : '', name);
    return found && presenter({ kind: 'resource', resource, version })(found);
  }

  /** Copies of stored objects, optionally in one namespace and filtered by selectors. */
  list(
    group: string,
    version: string,
    plural: string,
    namespace?: string,
    selectors: Selectors = {},
  ): StoredObject[] {
    const resource = this.resource(group, version, plural);
    const target: ResourceTarget = { kind: 'resource', resource, version };
    const matches = compileSelectors(target, selectors);
    return this.store
      .list(resource, resource.namespaced ? namespace : undefined, matches, requiredLabels(selectors))
      .map(presenter(target));
  }

  /** Removes an object at once, ignoring finalizers; watchers see `DELETED`. */
  remove(
    group: string,
    version: string,
    plural: string,
    namespace: string | undefined,
    name: string,
  ): StoredObject | undefined {
    const resource = this.resource(group, version, plural);
    return this.store.forceRemove(resource, resource.namespaced ? (namespace ?? '') : '', name);
  }

  /** Ends all open watch streams cleanly, as the real server does when a watch times out. */
  endWatches(): void {
    this.watches.closeAll('end');
  }

  /** Forgets the change history: watches resuming from an older resourceVersion get 410 Expired. */
  compactHistory(): void {
    this.store.compact();
  }

  private resource(group: string, version: string, plural: string): ResourceType {
    const resource = this.registry.find(group, version, plural);
    if (!resource) throw new UnknownResourceError(`no resource ${plural} in ${group || 'core'}/${version}`);
    return resource;
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.serve(request, response);
    } catch (error) {
      sendError(
        response,
        error instanceof KubeApiError
          ? error
          : new KubeApiError(500, 'InternalError', error instanceof Error ? error.message : String(error)),
      );
    }
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const target = parseRequestPath(url.pathname, this.registry);
    const info = describeRequest(method, url.pathname, query, target);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

    let body: unknown;
    let bodyError: unknown;
    try {
      body = parseBody(await readBody(request), contentType);
    } catch (error) {
      bodyError = error;
    }
    if (this.options.recordRequests !== false) {
      this.requests.push({
        ...info,
        ...(contentType !== '' ? { contentType } : {}),
        ...(body !== undefined ? { body } : {}),
      });
    }

    const delay = this.faults.latencyFor(info);
    if (delay > 0) await this.sleep(delay);
    if (!this.server) {
      request.socket.destroy();
      return;
    }
    const fault = this.faults.decide(info);
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault) {
      sendError(response, fault.error, fault.headers);
      return;
    }
    this.authenticate(request);
    if (bodyError !== undefined) throw bodyError;
    this.route(method, target, info, query, contentType, body, response);
  }

  private route(
    method: string,
    target: PathTarget,
    info: RequestInfo,
    query: Record<string, string>,
    contentType: string,
    body: unknown,
    response: ServerResponse,
  ): void {
    switch (target.kind) {
      case 'other': {
        const answer = method === 'GET' ? nonResourceResponse(this.registry, target.path) : undefined;
        if (!answer) throw unknownResource();
        send(response, answer.status, answer.contentType, answer.body);
        return;
      }
      case 'groupVersion': {
        if (method !== 'GET') throw unknownResource();
        const answer = apiResourceList(this.registry, target.group, target.version);
        send(response, answer.status, answer.contentType, answer.body);
        return;
      }
      case 'unknown':
        throw unknownResource();
      case 'resource':
        if (info.verb === 'watch') {
          this.watch(target, info, query, response);
          return;
        }
        {
          const result = this.handler.handle({ method, target, query, contentType, body });
          send(response, result.status, 'application/json', JSON.stringify(result.body));
        }
    }
  }

  private watch(
    target: ResourceTarget,
    info: RequestInfo,
    query: Record<string, string>,
    response: ServerResponse,
  ): void {
    const selectors = compileSelectors(target, query);
    const name = target.name;
    const matches =
      name === undefined ? selectors : (o: StoredObject) => o.metadata.name === name && selectors(o);
    let resourceVersion: number | undefined;
    if (query.resourceVersion !== undefined && query.resourceVersion !== '') {
      resourceVersion = Number(query.resourceVersion);
      if (!Number.isInteger(resourceVersion) || resourceVersion < 0) {
        throw badRequest(`invalid resource version "${query.resourceVersion}"`);
      }
    }
    const timeoutSeconds = query.timeoutSeconds !== undefined ? Number(query.timeoutSeconds) : undefined;
    this.watches.serve(response, {
      key: storageKey(target.resource),
      ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
      matches,
      present: presenter(target),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(timeoutSeconds !== undefined && Number.isFinite(timeoutSeconds) ? { timeoutSeconds } : {}),
      initialObjects: () => this.store.list(target.resource, target.namespace),
      info,
    });
  }

  private authenticate(request: IncomingMessage): void {
    const token = this.options.token;
    if (token !== undefined && request.headers.authorization !== `Bearer ${token}`) {
      throw new KubeApiError(401, 'Unauthorized', 'Unauthorized');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        this.pendingDelays.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.pendingDelays.add(release);
    });
  }
}
