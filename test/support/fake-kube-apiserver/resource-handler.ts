import { COMMON_SELECTABLE_FIELDS, compileFieldSelector, FieldSelectorError } from './field-selector.js';
import { apiVersionOf, isRecord, type KubeObject, type StoredObject } from './kube-object.js';
import { compileLabelSelector, LabelSelectorError, parseLabelSelector } from './label-selector.js';
import { type DeletePreconditions, type ObjectStore } from './object-store.js';
import { applyPatch, PATCH_CONTENT_TYPES, PatchError } from './patch.js';
import { type ResourceTarget } from './request-path.js';
import { badRequest, KubeApiError, methodNotAllowed, notFound } from './status.js';

/** A non-streaming answer to a resource request. */
export interface HandlerResponse {
  status: number;
  body: unknown;
}

/** A parsed resource request. */
export interface ResourceRequest {
  method: string;
  target: ResourceTarget;
  query: Readonly<Record<string, string>>;
  /** Media type without parameters, `''` if absent. */
  contentType: string;
  body: unknown;
}

/** Label and field selectors of a list or watch. */
export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

const SUPPORTED_PATCH_TYPES = Object.values(PATCH_CONTENT_TYPES) as string[];

function itemKey(object: StoredObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ start: key })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(decoded) && typeof decoded.start === 'string') return decoded.start;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid');
}

function requireObject(body: unknown): KubeObject {
  if (!isRecord(body)) throw badRequest('the request body must be a JSON object');
  return body;
}

function preconditionsOf(body: unknown): DeletePreconditions {
  if (!isRecord(body) || !isRecord(body.preconditions)) return {};
  const { uid, resourceVersion } = body.preconditions;
  return {
    ...(typeof uid === 'string' ? { uid } : {}),
    ...(typeof resourceVersion === 'string' ? { resourceVersion } : {}),
  };
}

/**
 * Compiles the label and field selectors of a request against a resource.
 * @throws KubeApiError 400 for selectors the real server rejects.
 */
export function compileSelectors(
  target: ResourceTarget,
  selectors: Selectors,
): (object: StoredObject) => boolean {
  try {
    const labels = compileLabelSelector(selectors.labelSelector);
    const fields = compileFieldSelector(selectors.fieldSelector, [
      ...COMMON_SELECTABLE_FIELDS,
      ...(target.resource.fieldSelectors ?? []),
    ]);
    return (object) => labels(object.metadata.labels) && fields(object);
  } catch (error) {
    if (error instanceof LabelSelectorError || error instanceof FieldSelectorError)
      throw badRequest(error.message);
    throw error;
  }
}

/** The `label=value` pairs a (valid) label selector requires, for the store's label index. */
export function requiredLabels(selectors: Selectors): Array<[string, string]> {
  if (!selectors.labelSelector) return [];
  return parseLabelSelector(selectors.labelSelector)
    .filter((r) => r.operator === 'in' && r.values.length === 1)
    .map((r) => [r.key, r.values[0]!]);
}

/** Renders objects for the version in the URL. */
export function presenter(target: ResourceTarget): (object: StoredObject) => StoredObject {
  const apiVersion = apiVersionOf(target.resource.group, target.version);
  return (object) => ({ ...object, apiVersion, kind: target.resource.kind });
}

/** Maps REST verbs on resource URLs to `ObjectStore` operations (everything except watch). */
export class ResourceHandler {
  constructor(private readonly store: ObjectStore) {}

  /** Serves one request; errors are thrown as `KubeApiError`. */
  handle(request: ResourceRequest): HandlerResponse {
    const { target, method } = request;
    const allNamespaces = target.resource.namespaced && target.namespace === undefined;
    if (target.name === undefined) {
      if (method === 'GET') return this.list(request);
      if (method === 'POST' && !allNamespaces) return this.create(request);
      if (method === 'DELETE' && !allNamespaces) return this.deleteCollection(request);
      throw methodNotAllowed(method);
    }
    if (target.subresource === 'status' && (method === 'POST' || method === 'DELETE'))
      throw methodNotAllowed(method);
    switch (method) {
      case 'GET':
        return { status: 200, body: this.present(target, this.find(target, target.name)) };
      case 'PUT':
        return this.update(request, target.name);
      case 'PATCH':
        return this.patch(request, target.name);
      case 'DELETE':
        return this.delete(request, target.name);
      default:
        throw methodNotAllowed(method);
    }
  }

  private list({ target, query }: ResourceRequest): HandlerResponse {
    const matches = compileSelectors(target, query);
    let items = this.store.list(target.resource, target.namespace, matches, requiredLabels(query));
    const metadata: Record<string, unknown> = { resourceVersion: this.store.resourceVersion };
    if (query.continue) {
      const start = decodeContinue(query.continue);
      items = items.filter((item) => itemKey(item) > start);
    }
    const limit = Number(query.limit);
    if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
      const last = items[items.length - 1];
      if (last) metadata.continue = encodeContinue(itemKey(last));
    }
    return {
      status: 200,
      body: {
        kind: `${target.resource.kind}List`,
        apiVersion: apiVersionOf(target.resource.group, target.version),
        metadata,
        items: items.map(presenter(target)),
      },
    };
  }

  private create({ target, body }: ResourceRequest): HandlerResponse {
    const created = this.store.create(target.resource, target.namespace ?? '', requireObject(body));
    return { status: 201, body: this.present(target, created) };
  }

  private update({ target, body }: ResourceRequest, name: string): HandlerResponse {
    const updated = this.store.update(target.resource, target.namespace ?? '', name, requireObject(body), {
      ...(target.subresource ? { subresource: target.subresource } : {}),
    });
    return { status: 200, body: this.present(target, updated) };
  }

  private patch({ target, body, contentType }: ResourceRequest, name: string): HandlerResponse {
    if (!SUPPORTED_PATCH_TYPES.includes(contentType)) {
      throw new KubeApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${SUPPORTED_PATCH_TYPES.join(', ')}`,
      );
    }
    if (contentType === PATCH_CONTENT_TYPES.strategicMerge && target.resource.custom) {
      throw new KubeApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    const patched = this.store.patch(
      target.resource,
      target.namespace ?? '',
      name,
      (current) => {
        try {
          return applyPatch(contentType, current, body);
        } catch (error) {
          if (error instanceof PatchError) throw new KubeApiError(422, 'Invalid', error.message);
          throw error;
        }
      },
      target.subresource ? { subresource: target.subresource } : {},
    );
    return { status: 200, body: this.present(target, patched) };
  }

  private delete({ target, body }: ResourceRequest, name: string): HandlerResponse {
    const deleted = this.store.delete(target.resource, target.namespace ?? '', name, preconditionsOf(body));
    return { status: 200, body: this.present(target, deleted) };
  }

  private deleteCollection({ target, query }: ResourceRequest): HandlerResponse {
    const matches = compileSelectors(target, query);
    const victims = this.store.list(target.resource, target.namespace, matches, requiredLabels(query));
    const items = victims.map((v) =>
      this.store.delete(target.resource, v.metadata.namespace ?? '', v.metadata.name),
    );
    return {
      status: 200,
      body: {
        kind: `${target.resource.kind}List`,
        apiVersion: apiVersionOf(target.resource.group, target.version),
        metadata: { resourceVersion: this.store.resourceVersion },
        items: items.map(presenter(target)),
      },
    };
  }

  private find(target: ResourceTarget, name: string): StoredObject {
    const found = this.store.get(target.resource, target.namespace ?? '', name);
    if (!found) throw notFound({ group: target.resource.group, plural: target.resource.plural, name });
    return found;
  }

  private present(target: ResourceTarget, object: StoredObject): StoredObject {
    return presenter(target)(object);
  }
}
