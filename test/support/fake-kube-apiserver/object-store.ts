import { randomUUID } from 'node:crypto';
import {
  apiVersionOf,
  cloneJson,
  isRecord,
  jsonEqual,
  type KubeObject,
  type ObjectMeta,
  type StoredObject,
} from './kube-object.js';
import { type ResourceType, storageKey } from './resource-registry.js';
import { alreadyExists, badRequest, conflict, invalid, notFound } from './status.js';

/** Type of a change, as sent on watch streams. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed write. */
export interface StoreEvent {
  type: ChangeType;
  resourceVersion: number;
  /** `storageKey()` of the resource. */
  key: string;
  /** The new state; for `DELETED`, the last state stamped with the deletion's resourceVersion. */
  object: StoredObject;
  /** The state before a `MODIFIED` change. */
  previous?: StoredObject;
}

/** Options for writes to an existing object. */
export interface UpdateOptions {
  /** `'status'` to write through the status subresource. */
  subresource?: 'status';
}

/** `DeleteOptions.preconditions`. */
export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function randomSuffix(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
  }
  return suffix;
}

function isStringMap(value: unknown): boolean {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

function validateShape(body: KubeObject, resource: ResourceType): ObjectMeta {
  const meta: unknown = body.metadata ?? {};
  if (!isRecord(meta)) throw badRequest('metadata must be an object');
  for (const field of ['labels', 'annotations'] as const) {
    if (meta[field] !== undefined && !isStringMap(meta[field])) {
      throw badRequest(`metadata.${field} must be a map of strings`);
    }
  }
  const finalizers = meta.finalizers;
  if (
    finalizers !== undefined &&
    !(Array.isArray(finalizers) && finalizers.every((f) => typeof f === 'string'))
  ) {
    throw badRequest('metadata.finalizers must be a list of strings');
  }
  if (body.kind !== undefined && body.kind !== resource.kind) {
    throw badRequest(`the kind in the body (${String(body.kind)}) does not match ${resource.kind}`);
  }
  const expectedGroup = resource.group;
  if (typeof body.apiVersion === 'string' && body.apiVersion.split('/').length > 1) {
    const group = body.apiVersion.split('/')[0];
    if (group !== expectedGroup) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the resource group`);
    }
  }
  return meta as ObjectMeta;
}

function specOf(object: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...object };
  for (const key of ['metadata', 'status', 'apiVersion', 'kind']) delete rest[key];
  return rest;
}

function withoutResourceVersion(object: StoredObject): unknown {
  return { ...object, metadata: { ...object.metadata, resourceVersion: undefined } };
}

/**
 * In-memory object storage with the real server's write semantics: a global resourceVersion,
 * optimistic concurrency, generation, status-subresource isolation, finalizers and a change history
 * that watches replay from.
 */
export class ObjectStore {
  private revision = 1;
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly labelIndexes = new WeakMap<Map<string, StoredObject>, Map<string, Set<string>>>();
  private history: StoreEvent[] = [];
  private oldestRetained = 1;
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  /** @param historyLimit changes kept for watch replay; older resourceVersions get 410 Expired. */
  constructor(private readonly historyLimit = 10_000) {}

  /** The latest resourceVersion (as on list responses). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** The oldest resourceVersion a watch can still start from. */
  get oldestWatchableVersion(): number {
    return this.oldestRetained;
  }

  /** A copy of one object. */
  get(resource: ResourceType, namespace: string, name: string): StoredObject | undefined {
    const found = this.bucket(resource).get(this.objectKey(resource, namespace, name));
    return found ? cloneJson(found) : undefined;
  }

  /**
   * Copies of the objects of a resource, optionally in one namespace and only those `matches` accepts (it
   * sees the stored objects, read-only), ordered by namespace and name. Filtered before copying: a list with
   * a selector over tens of thousands of objects copies only what it returns. `requiredLabels` (what the
   * selector requires equal) narrows the objects looked at to those indexed under them; `matches` still
   * decides.
   */
  list(
    resource: ResourceType,
    namespace?: string,
    matches: (object: StoredObject) => boolean = () => true,
    requiredLabels: ReadonlyArray<readonly [string, string]> = [],
  ): StoredObject[] {
    const bucket = this.bucket(resource);
    const found: Array<[string, StoredObject]> = [];
    const consider = (key: string, obj: StoredObject | undefined): void => {
      if (!obj) return;
      if ((namespace === undefined || obj.metadata.namespace === namespace) && matches(obj))
        found.push([key, obj]);
    };
    const candidates = this.indexedKeys(bucket, requiredLabels);
    if (candidates) for (const key of candidates) consider(key, bucket.get(key));
    else for (const [key, obj] of bucket) consider(key, obj);
    return found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => cloneJson(obj));
  }

  /** Creates an object as POST does. */
  create(resource: ResourceType, namespace: string, body: KubeObject): StoredObject {
    const meta = validateShape(body, resource);
    if (
      resource.namespaced &&
      meta.namespace !== undefined &&
      meta.namespace !== '' &&
      meta.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    const name = this.chooseName(resource, namespace, meta);
    const subject = { group: resource.group, plural: resource.plural, name };
    if (!NAME_PATTERN.test(name) || name.length > 253) {
      throw invalid(
        resource.kind,
        subject,
        'metadata.name',
        `Invalid value: "${name}": must be a lowercase RFC 1123 subdomain`,
      );
    }
    if (this.bucket(resource).has(this.objectKey(resource, namespace, name))) throw alreadyExists(subject);
    const object = cloneJson(body);
    if (resource.hasStatus) delete object.status;
    const stored: StoredObject = {
      ...object,
      apiVersion: apiVersionOf(resource.group, resource.version),
      kind: resource.kind,
      metadata: {
        ...cloneJson(meta),
        name,
        ...(resource.namespaced ? { namespace } : {}),
        uid: randomUUID(),
        resourceVersion: '',
        generation: 1,
        creationTimestamp: timestamp(),
      },
    };
    if (!resource.namespaced) delete stored.metadata.namespace;
    delete stored.metadata.deletionTimestamp;
    delete stored.metadata.deletionGracePeriodSeconds;
    return this.commit(resource, stored);
  }

  /** Replaces an object as PUT does (on the main resource or the status subresource). */
  update(
    resource: ResourceType,
    namespace: string,
    name: string,
    body: KubeObject,
    options: UpdateOptions = {},
  ): StoredObject {
    const existing = this.require(resource, namespace, name);
    return this.applyUpdate(resource, existing, body, options, resource.custom === true);
  }

  /** Applies `mutate` (a patch) to the current object and writes the result as PATCH does. */
  patch(
    resource: ResourceType,
    namespace: string,
    name: string,
    mutate: (current: StoredObject) => unknown,
    options: UpdateOptions = {},
  ): StoredObject {
    const existing = this.require(resource, namespace, name);
    const patched = mutate(cloneJson(existing));
    if (!isRecord(patched)) throw badRequest('the patch produced something that is not an object');
    return this.applyUpdate(resource, existing, patched as KubeObject, options, false);
  }

  /**
   * Deletes an object. With finalizers it only gets a `deletionTimestamp` and goes away once an
   * update empties `metadata.finalizers`.
   */
  delete(
    resource: ResourceType,
    namespace: string,
    name: string,
    preconditions: DeletePreconditions = {},
  ): StoredObject {
    const existing = this.require(resource, namespace, name);
    const subject = { group: resource.group, plural: resource.plural, name };
    if (preconditions.uid !== undefined && preconditions.uid !== existing.metadata.uid) {
      throw conflict(
        subject,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (
      preconditions.resourceVersion !== undefined &&
      preconditions.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(
        subject,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    if ((existing.metadata.finalizers ?? []).length > 0) {
      if (existing.metadata.deletionTimestamp !== undefined) return cloneJson(existing);
      const marked = cloneJson(existing);
      marked.metadata.deletionTimestamp = timestamp();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return this.commit(resource, marked, existing);
    }
    return this.remove(resource, existing);
  }

  /**
   * Writes an object verbatim (status included), creating or replacing it, and fills in missing
   * server-owned metadata. Emits watch events like any write.
   */
  put(resource: ResourceType, body: KubeObject): StoredObject {
    const meta = validateShape(body, resource);
    const namespace = resource.namespaced ? meta.namespace || 'default' : '';
    const name = this.chooseName(resource, namespace, meta);
    const existing = this.bucket(resource).get(this.objectKey(resource, namespace, name));
    const stored: StoredObject = {
      ...cloneJson(body),
      apiVersion: apiVersionOf(resource.group, resource.version),
      kind: resource.kind,
      metadata: {
        ...cloneJson(meta),
        name,
        uid: meta.uid ?? existing?.metadata.uid ?? randomUUID(),
        resourceVersion: '',
        generation: meta.generation ?? existing?.metadata.generation ?? 1,
        creationTimestamp: meta.creationTimestamp ?? existing?.metadata.creationTimestamp ?? timestamp(),
      },
    };
    if (resource.namespaced) stored.metadata.namespace = namespace;
    else delete stored.metadata.namespace;
    return this.commit(resource, stored, existing);
  }

  /** Removes an object immediately, ignoring finalizers. Returns it, or `undefined` if absent. */
  forceRemove(resource: ResourceType, namespace: string, name: string): StoredObject | undefined {
    const existing = this.bucket(resource).get(this.objectKey(resource, namespace, name));
    return existing ? this.remove(resource, existing) : undefined;
  }

  /** Changes with a resourceVersion greater than `since`, or `undefined` if some were compacted away. */
  eventsSince(since: number): StoreEvent[] | undefined {
    if (since < this.oldestRetained) return undefined;
    return this.history.filter((e) => e.resourceVersion > since);
  }

  /**
   * Drops the change history, so watches from any resourceVersion handed out so far get 410 Expired.
   * Consumes one resourceVersion, so a list made afterwards returns a version that can be watched.
   */
  compact(): void {
    this.revision++;
    this.history = [];
    this.oldestRetained = this.revision;
  }

  /** Calls `listener` after every committed write; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private applyUpdate(
    resource: ResourceType,
    existing: StoredObject,
    body: KubeObject,
    options: UpdateOptions,
    requireResourceVersion: boolean,
  ): StoredObject {
    const meta = validateShape(body, resource);
    const name = existing.metadata.name;
    const subject = { group: resource.group, plural: resource.plural, name };
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (resource.namespaced && meta.namespace && meta.namespace !== existing.metadata.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const requested = meta.resourceVersion;
    if (requested === undefined || requested === '') {
      if (requireResourceVersion) {
        throw invalid(
          resource.kind,
          subject,
          'metadata.resourceVersion',
          'Invalid value: 0x0: must be specified for an update',
        );
      }
    } else if (requested !== existing.metadata.resourceVersion) {
      throw conflict(
        subject,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    if (meta.uid !== undefined && meta.uid !== '' && meta.uid !== existing.metadata.uid) {
      throw conflict(
        subject,
        `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }

    let next: StoredObject;
    if (options.subresource === 'status') {
      next = cloneJson(existing);
      if (body.status === undefined) delete next.status;
      else next.status = cloneJson(body.status);
    } else {
      next = {
        ...cloneJson(body),
        apiVersion: existing.apiVersion,
        kind: existing.kind,
        metadata: {
          ...cloneJson(meta),
          name,
          uid: existing.metadata.uid,
          resourceVersion: existing.metadata.resourceVersion,
          generation: existing.metadata.generation,
          creationTimestamp: existing.metadata.creationTimestamp,
        },
      };
      if (resource.namespaced) next.metadata.namespace = existing.metadata.namespace;
      const { deletionTimestamp, deletionGracePeriodSeconds } = existing.metadata;
      delete next.metadata.deletionTimestamp;
      delete next.metadata.deletionGracePeriodSeconds;
      if (deletionTimestamp !== undefined) next.metadata.deletionTimestamp = deletionTimestamp;
      if (deletionGracePeriodSeconds !== undefined) {
        next.metadata.deletionGracePeriodSeconds = deletionGracePeriodSeconds;
      }
      if (resource.hasStatus) {
        if (existing.status === undefined) delete next.status;
        else next.status = cloneJson(existing.status);
      }
      if (!jsonEqual(specOf(existing), specOf(next))) next.metadata.generation += 1;
    }

    if (jsonEqual(withoutResourceVersion(existing), withoutResourceVersion(next))) return cloneJson(existing);
    if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      return this.remove(resource, next);
    }
    return this.commit(resource, next, existing);
  }

  private commit(resource: ResourceType, object: StoredObject, previous?: StoredObject): StoredObject {
    object.metadata.resourceVersion = String(++this.revision);
    const bucket = this.bucket(resource);
    const key = this.keyOf(resource, object);
    bucket.set(key, object);
    this.indexLabels(bucket, key, object);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      resourceVersion: this.revision,
      key: storageKey(resource),
      object,
      ...(previous ? { previous } : {}),
    });
    return cloneJson(object);
  }

  private remove(resource: ResourceType, existing: StoredObject): StoredObject {
    const bucket = this.bucket(resource);
    const key = this.keyOf(resource, existing);
    bucket.delete(key);
    this.unindexLabels(bucket, key, existing);
    const gone = cloneJson(existing);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', resourceVersion: this.revision, key: storageKey(resource), object: gone });
    return cloneJson(gone);
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.oldestRetained = dropped[dropped.length - 1]?.resourceVersion ?? this.oldestRetained;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  private chooseName(resource: ResourceType, namespace: string, meta: ObjectMeta): string {
    if (typeof meta.name === 'string' && meta.name !== '') return meta.name;
    if (typeof meta.generateName === 'string' && meta.generateName !== '') {
      for (;;) {
        const candidate = meta.generateName + randomSuffix();
        if (!this.bucket(resource).has(this.objectKey(resource, namespace, candidate))) return candidate;
      }
    }
    throw invalid(
      resource.kind,
      { group: resource.group, plural: resource.plural, name: '' },
      'metadata.name',
      'Required value: name or generateName is required',
    );
  }

  private require(resource: ResourceType, namespace: string, name: string): StoredObject {
    const found = this.bucket(resource).get(this.objectKey(resource, namespace, name));
    if (!found) throw notFound({ group: resource.group, plural: resource.plural, name });
    return found;
  }

  /**
   * Keys under every `label=value` an object was committed with. An entry may outlive a label change (the
   * object is re-indexed under its new labels, not taken out from the old ones): a list checks every
   * candidate against its selector, so the index only has to never miss an object.
   */
  private indexLabels(bucket: Map<string, StoredObject>, key: string, object: StoredObject): void {
    let index = this.labelIndexes.get(bucket);
    if (!index) {
      index = new Map();
      this.labelIndexes.set(bucket, index);
    }
    for (const [label, value] of Object.entries(object.metadata.labels ?? {})) {
      const entry = `${label}=${value}`;
      let keys = index.get(entry);
      if (!keys) {
        keys = new Set();
        index.set(entry, keys);
      }
      keys.add(key);
    }
  }

  private unindexLabels(bucket: Map<string, StoredObject>, key: string, object: StoredObject): void {
    const index = this.labelIndexes.get(bucket);
    for (const [label, value] of Object.entries(object.metadata.labels ?? {})) {
      index?.get(`${label}=${value}`)?.delete(key);
    }
  }

  /** The smallest set of keys indexed under one of `requiredLabels`, or undefined for none required. */
  private indexedKeys(
    bucket: Map<string, StoredObject>,
    requiredLabels: ReadonlyArray<readonly [string, string]>,
  ): ReadonlySet<string> | undefined {
    let smallest: ReadonlySet<string> | undefined;
    for (const [label, value] of requiredLabels) {
      const keys = this.labelIndexes.get(bucket)?.get(`${label}=${value}`) ?? new Set<string>();
      if (!smallest || keys.size < smallest.size) smallest = keys;
    }
    return smallest;
  }

  private bucket(resource: ResourceType): Map<string, StoredObject> {
    const key = storageKey(resource);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private objectKey(resource: ResourceType, namespace: string, name: string): string {
    return resource.namespaced ? `${namespace}/${name}` : name;
  }

  private keyOf(resource: ResourceType, object: StoredObject): string {
    return this.objectKey(resource, object.metadata.namespace ?? '', object.metadata.name);
  }
}
