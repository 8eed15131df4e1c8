import {
  CoreV1Api,
  CustomObjectsApi,
  type ConfigurationOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import {
  type AgentRecordMapping,
  type AgentStore,
  type CustomResourceMapping,
  type CustomResourceObject,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from '../../plugin-api/index.js';
import { callKubernetesApi, KubernetesConflictError, KubernetesNotFoundError } from '../kubernetes/index.js';
import { BoundedMap } from './bounded-map.js';
import { isManagedByUs, isValidLabelValue, validLabels } from './custom-resource.labels.js';
import { toStoreError } from './kube-api.js';
import { AgentStoreError } from './persistence.errors.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  NODE_LABEL,
} from './persistence.constants.js';

/** Options of {@link CustomResourceStore}. */
export interface CustomResourceStoreOptions {
  /** This node's name, written as the `opamp-nest.io/node` label and used to list this server's records. */
  nodeName: string;
  /** Timeout of each API request. Default 10 s. */
  requestTimeoutMs?: number;
  /** Re-reads after a 409 or 404 within one call before giving up (the queue retries later). Default 5. */
  maxConflictRetries?: number;
}

/** Objects remembered from our own writes; past this, the oldest cost one more read when next written. */
const WRITTEN_CACHE_SIZE = 10_000;

type Located =
  | { readonly kind: 'found'; readonly object: CustomResourceObject }
  | { readonly kind: 'missing'; readonly count: number };

/**
 * Writes records as namespaced custom resources owned by the agent's pod, as a {@link CustomResourceMapping}
 * describes them: the mapping's labels plus `opamp-nest.io/managed-by` and `opamp-nest.io/node`, a
 * controller owner reference to the pod (the object goes with the pod), status through the `/status`
 * subresource, an optional cap of objects per pod.
 *
 * Only objects carrying `opamp-nest.io/managed-by=opamp-nest` are ever modified or deleted: another writer
 * of the same kind and names (e.g. a node agent of the same convention) is left alone.
 *
 * API calls per operation: a first write lists the pod's objects (the cap; it also finds an existing
 * object) or reads the object, creates it, then writes the status; later writes are one status PUT with the
 * resourceVersion of the previous answer; a 409 or 404 re-reads and tries again. A delete is one DELETE,
 * preconditioned on the uid.
 */
export class CustomResourceStore<R extends object> implements AgentStore<R> {
  private readonly logger = new Logger(CustomResourceStore.name);
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly requestTimeoutMs: number;
  private readonly maxConflictRetries: number;
  private readonly apiVersion: string;
  /** The object as our last write left it, by record key: saves a read before each update. */
  private readonly written = new BoundedMap<string, CustomResourceObject>(WRITTEN_CACHE_SIZE);

  constructor(
    kubeConfig: KubeConfig,
    private readonly mapping: AgentRecordMapping<R>,
    private readonly resource: CustomResourceMapping<R>,
    private readonly options: CustomResourceStoreOptions,
  ) {
    this.objects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxConflictRetries = options.maxConflictRetries ?? 5;
    this.apiVersion = `${resource.group}/${resource.version}`;
  }

  async upsert(record: R): Promise<UpsertOutcome> {
    const key = this.mapping.keyOf(record);
    try {
      for (let attempt = 0; attempt <= this.maxConflictRetries; attempt++) {
        let current = this.written.get(key);
        let created = false;
        if (!current) {
          const located = await this.locate(record);
          if (located.kind === 'found') {
            if (!isManagedByUs(located.object)) return 'skipped-foreign';
            current = located.object;
          } else {
            const cap = this.resource.podCap?.(record);
            if (cap && located.count >= cap.max) return 'over-cap';
            const podUid = await this.podUid(record);
            if (podUid === undefined) return 'pod-not-found';
            const outcome = await this.create(record, podUid);
            if (outcome === 'retry') continue;
            if (outcome === 'skipped-foreign') return outcome;
            current = outcome.object;
            created = outcome.created;
          }
        }
        const status = this.resource.statusOf(current.status, record);
        if (!created && this.resource.sameStatus(current.status, status)) {
          this.written.set(key, current);
          return 'unchanged';
        }
        try {
          const updated = await this.replaceStatus({ ...current, status });
          this.written.set(key, updated);
          return created ? 'created' : 'updated';
        } catch (error) {
          if (!(error instanceof KubernetesConflictError || error instanceof KubernetesNotFoundError)) {
            throw error;
          }
          // Someone else wrote it (409) or it is gone (404): read it again and re-apply.
          this.written.delete(key);
        }
      }
      throw new AgentStoreError(
        `the ${this.resource.kind} of ${key} kept changing under ${this.maxConflictRetries + 1} writes; will retry`,
        { operation: 'upsert', record: key, retryable: true, status: 409 },
      );
    } catch (error) {
      this.written.delete(key);
      throw toStoreError(error, this.resource, 'upsert', key);
    }
  }

  async remove(record: R, reason: RemoveReason): Promise<RemoveOutcome> {
    const key = this.mapping.keyOf(record);
    const { namespace, name } = this.resource.objectRef(record);
    try {
      for (let attempt = 0; attempt <= this.maxConflictRetries; attempt++) {
        const target = this.written.get(key) ?? (await this.get(namespace, name));
        if (!target) return 'absent';
        if (!isManagedByUs(target)) return 'skipped-foreign';
        try {
          await this.call(`delete ${this.resource.kind} ${namespace}/${name}`, (options) =>
            this.objects.deleteNamespacedCustomObject(
              { ...this.gvr(), namespace, name, body: { preconditions: { uid: target.metadata.uid } } },
              options,
            ),
          );
          this.logger.debug(
            { agent: this.mapping.agentOf?.(record), record: key, reason },
            `deleted ${this.resource.kind}`,
          );
          return 'deleted';
        } catch (error) {
          if (error instanceof KubernetesNotFoundError) return 'absent';
          if (!(error instanceof KubernetesConflictError)) throw error;
          // The uid precondition failed: the object was replaced; look at the new one.
          this.written.delete(key);
        }
      }
      throw new AgentStoreError(`the ${this.resource.kind} of ${key} kept being replaced; will retry`, {
        operation: 'remove',
        record: key,
        retryable: true,
        status: 409,
      });
    } catch (error) {
      throw toStoreError(error, this.resource, 'remove', key);
    } finally {
      this.written.delete(key);
    }
  }

  async list(): Promise<R[]> {
    const { nodeName } = this.options;
    if (!isValidLabelValue(nodeName)) {
      this.logger.warn(
        { nodeName },
        'node name is not a valid label value; records of this node cannot be listed',
      );
      return [];
    }
    try {
      const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${NODE_LABEL}=${nodeName}`;
      const answer = (await this.call(`list ${this.resource.plural} (${labelSelector})`, (options) =>
        this.objects.listClusterCustomObject({ ...this.gvr(), labelSelector }, options),
      )) as { items?: CustomResourceObject[] };
      return (answer.items ?? [])
        .map((object) => this.resource.recordOf(object))
        .filter((record): record is R => record !== undefined);
    } catch (error) {
      throw toStoreError(error, this.resource, 'list');
    }
  }

  /** The object of `record` and how many objects its pod has (for the cap). */
  private async locate(record: R): Promise<Located> {
    const { namespace, name } = this.resource.objectRef(record);
    const cap = this.resource.podCap?.(record);
    if (!cap) {
      const object = await this.get(namespace, name);
      return object ? { kind: 'found', object } : { kind: 'missing', count: 0 };
    }
    const answer = (await this.call(
      `list ${this.resource.plural} in ${namespace} (${cap.labelSelector})`,
      (options) =>
        this.objects.listNamespacedCustomObject(
          { ...this.gvr(), namespace, labelSelector: cap.labelSelector },
          options,
        ),
    )) as { items?: CustomResourceObject[] };
    const items = answer.items ?? [];
    const object = items.find((item) => item.metadata.name === name);
    return object ? { kind: 'found', object } : { kind: 'missing', count: items.length };
  }

  /** A new object for `record`, owned by its pod (a controller reference, as `SetControllerReference` makes). */
  private newObject(record: R, podUid: string): CustomResourceObject {
    const { namespace, name } = this.resource.objectRef(record);
    const { labels, spec } = this.resource.newObject(record);
    return {
      apiVersion: this.apiVersion,
      kind: this.resource.kind,
      metadata: {
        name,
        namespace,
        labels: validLabels({
          ...labels,
          [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
          [NODE_LABEL]: this.options.nodeName,
        }),
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            name: this.resource.ownerPod(record).name,
            uid: podUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec,
    };
  }

  private async create(
    record: R,
    podUid: string,
  ): Promise<{ object: CustomResourceObject; created: boolean } | 'retry' | 'skipped-foreign'> {
    const body = this.newObject(record, podUid);
    try {
      const { namespace, name } = body.metadata;
      const object = (await this.call(`create ${this.resource.kind} ${namespace}/${name}`, (options) =>
        this.objects.createNamespacedCustomObject({ ...this.gvr(), namespace, body }, options),
      )) as CustomResourceObject;
      return { object, created: true };
    } catch (error) {
      if (!(error instanceof KubernetesConflictError)) throw error;
      // AlreadyExists, possibly without the label the cap's list looked for.
      const existing = await this.get(body.metadata.namespace, body.metadata.name);
      if (!existing) return 'retry';
      return isManagedByUs(existing) ? { object: existing, created: false } : 'skipped-foreign';
    }
  }

  private gvr(): { group: string; version: string; plural: string } {
    return { group: this.resource.group, version: this.resource.version, plural: this.resource.plural };
  }

  /** One API call with its own deadline (a shared signal would fire once, for all). */
  private call<T>(operation: string, call: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    return callKubernetesApi({ operation, deadlineMs: this.requestTimeoutMs }, call);
  }

  private async replaceStatus(object: CustomResourceObject): Promise<CustomResourceObject> {
    const { namespace, name } = object.metadata;
    return (await this.call(`update the status of ${this.resource.kind} ${namespace}/${name}`, (options) =>
      this.objects.replaceNamespacedCustomObjectStatus(
        { ...this.gvr(), namespace, name, body: object },
        options,
      ),
    )) as CustomResourceObject;
  }

  private async get(namespace: string, name: string): Promise<CustomResourceObject | undefined> {
    try {
      return (await this.call(`read ${this.resource.kind} ${namespace}/${name}`, (options) =>
        this.objects.getNamespacedCustomObject({ ...this.gvr(), namespace, name }, options),
      )) as CustomResourceObject;
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * The pod's uid, for the owner reference: from the mapping, else read from the API. Not cached: a pod
   * re-created under the same name (StatefulSet) has a new uid, and a reference to the old one would have
   * the garbage collector delete the record at once.
   */
  private async podUid(record: R): Promise<string | undefined> {
    const { name, uid } = this.resource.ownerPod(record);
    if (uid) return uid;
    const { namespace } = this.resource.objectRef(record);
    try {
      const pod = await this.call(`read pod ${namespace}/${name}`, (options) =>
        this.core.readNamespacedPod({ namespace, name }, options),
      );
      return pod.metadata?.uid;
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw error;
    }
  }
}
