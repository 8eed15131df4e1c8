import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { createAdminClient, type AdminClient } from '../../src/client/index.js';
import { namedSchema } from '../../src/modules/admin/index.js';
import { withoutHubOnly } from '../../src/modules/hub/index.js';

/** A JSON object from the admin API. */
export type JsonObject = Record<string, unknown>;

/** One answer of the admin API. */
export interface AdminResponse<T = JsonObject> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: T;
}

interface DocumentOperation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentOperation>>;
}

/**
 * The committed OpenAPI document: the contract of node servers and the hub alike, what only the hub serves
 * marked `x-hub-only` (every answer of either is checked against it).
 */
export const adminOpenApiDocument = JSON.parse(
  readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
) as OpenApiDocument;

/** What a node server serves as its document: the contract without the hub-only parts (a test checks it). */
export const nodeOpenApiDocument = withoutHubOnly(
  adminOpenApiDocument as unknown as Parameters<typeof withoutHubOnly>[0],
) as unknown as OpenApiDocument;

const OPERATIONS = Object.entries(adminOpenApiDocument.paths).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operation,
  })),
);

/** `METHOD /template status` of every documented answer seen (the contract test checks they cover all). */
export const seenResponses = new Set<string>();

/** A documented answer that does not match its documented schema. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/**
 * Checks a JSON answer against the document: the operation must be documented, and the body must parse
 * with the schema of its status, with nothing undocumented (parsing must not drop a field).
 */
export function checkAgainstDocument(method: string, url: string, status: number, body: unknown): void {
  const path = new URL(url).pathname;
  const found = OPERATIONS.find((op) => op.method === method && op.pattern.test(path));
  if (!found && !path.startsWith('/api/v1/')) return; // not the API (the OpenAPI UI, probes)
  if (!found) {
    if (status === 404 || status === 401) return; // an unknown route: Nest's own 404, or the guard first
    throw new ContractViolation(`${method} ${path} is not in the OpenAPI document`);
  }
  const response = found.operation.responses[String(status)];
  seenResponses.add(`${method} ${found.template} ${status}`);
  if (!response)
    throw new ContractViolation(`${method} ${found.template} answered ${status}, not documented`);
  const ref = response.content?.['application/json']?.schema?.$ref;
  if (ref === undefined) {
    if (body === undefined) return;
    throw new ContractViolation(`${method} ${found.template} ${status} has a body but no documented schema`);
  }
  const id = ref.replace('#/components/schemas/', '');
  const schema = namedSchema(id);
  if (!schema) throw new ContractViolation(`${ref} is not a registered schema`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ContractViolation(
      `${method} ${path} ${status} does not match ${id}: ${JSON.stringify(parsed.error.issues)}\n${JSON.stringify(body)}`,
    );
  }
  if (!isDeepStrictEqual(parsed.data, body)) {
    throw new ContractViolation(
      `${method} ${path} ${status} has fields ${id} does not document: ${JSON.stringify(body)}`,
    );
  }
}

/** `fetch` that checks every JSON answer of the admin API against the OpenAPI document. */
export async function contractFetch(request: Request): Promise<Response> {
  const method = request.method;
  const response = await fetch(request);
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('application/json') && response.status !== 204) {
    if (type.includes('text/event-stream')) {
      seenResponses.add(`${method} ${new URL(request.url).pathname} ${response.status}`);
      return response;
    }
    checkAgainstDocument(method, request.url, response.status, undefined);
    return response;
  }
  const text = await response.clone().text();
  checkAgainstDocument(method, request.url, response.status, text === '' ? undefined : JSON.parse(text));
  return response;
}

/** The typed admin client (`opamp-nest/client`), checking every answer against the document. */
export const adminClient = (adminUrl: string, token?: string): AdminClient =>
  createAdminClient({ baseUrl: adminUrl, token, fetch: contractFetch });

/**
 * Calls the admin API with any method, path and body, bad ones included (the typed client would not let a
 * test send them): `adminCall(server.adminUrl, 'PUT', '/api/v1/configs/x', { files }, token)`. Every answer
 * is checked against the OpenAPI document too.
 */
export async function adminCall<T = JsonObject>(
  adminUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<AdminResponse<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await contractFetch(
    new Request(`${adminUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** A config body of one text file. */
export const oneFileConfig = (body: string, file = 'config.yaml', contentType = 'text/yaml'): JsonObject => ({
  files: { [file]: { body, contentType } },
});

/** One parsed event of `GET /api/v1/events`. */
export interface StreamedEvent {
  event: string;
  data: {
    type: string;
    agent?: { id: string; health: string } & JsonObject;
    configs?: string[];
    /** Hub only: the node server whose stream carried it. */
    node?: string;
    detail?: string;
  };
}

/** An open `GET /api/v1/events` stream: every event parsed and checked against the `LiveEvent` schema. */
export class EventStream {
  readonly events: StreamedEvent[] = [];
  comments = 0;
  private buffer = '';
  private readonly done: Promise<void>;

  private constructor(
    private readonly abort: AbortController,
    body: ReadableStream<Uint8Array>,
  ) {
    this.done = this.read(body).catch(() => undefined);
  }

  static async open(adminUrl: string, token?: string): Promise<EventStream> {
    const abort = new AbortController();
    const response = await fetch(`${adminUrl}/api/v1/events`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    if (response.status !== 200 || !response.body)
      throw new Error(`GET /api/v1/events answered ${response.status}`);
    const stream = new EventStream(abort, response.body);
    await stream.until(() => stream.comments > 0, 2000);
    return stream;
  }

  /** Waits until `condition` holds for the events received so far. */
  async until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(this.events)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of body) {
      this.buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const frame = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (frame.startsWith(':')) {
          this.comments++;
          continue;
        }
        const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
        const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') as StreamedEvent['data'];
        const parsed = namedSchema('LiveEvent')!.safeParse(data);
        if (!parsed.success || !isDeepStrictEqual(parsed.data, data) || data.type !== event) {
          throw new ContractViolation(`an event that is not a documented LiveEvent: ${frame}`);
        }
        this.events.push({ event, data });
      }
    }
  }
}
