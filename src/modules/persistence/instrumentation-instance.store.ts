import {
  CoreV1Api,
  CustomObjectsApi,
  type ConfigurationOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import { type AgentRecord, agentRecordKey } from './agent-record.js';
import {
  type AgentStore,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from './agent-store.interface.js';
import {
  INSTRUMENTATION_INSTANCE_GROUP as GROUP,
  INSTRUMENTATION_INSTANCE_PLURAL as PLURAL,
  INSTRUMENTATION_INSTANCE_VERSION as VERSION,
  type InstrumentationInstance,
} from './instrumentation-instance.types.js';
import {
  applyRecordToStatus,
  instanceName,
  isManagedByUs,
  isValidLabelValue,
  newInstance,
  recordFromInstance,
  sameStatus,
} from './instrumentation-instance.mapping.js';
import { BoundedMap } from './bounded-map.js';
import { callKubernetesApi, KubernetesConflictError, KubernetesNotFoundError } from '../kubernetes/index.js';
import { toStoreError } from './kube-api.js';
import { AgentStoreError } from './persistence.errors.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MAX_INSTANCES_PER_POD,
  NODE_LABEL,
  OWNER_POD_NAME_LABEL,
} from './persistence.constants.js';

/** Options of {@link InstrumentationInstanceStore}. */
export interface InstrumentationInstanceStoreOptions {
  /** This node's name, written as the `opamp-nest.io/node` label and used to list this server's records. */
  nodeName: string;
  /** Timeout of each API request. Default 10 s. */
  requestTimeoutMs?: number;
  /** Records per pod before new ones are refused. Default 16, as in Odigos. */
  maxInstancesPerPod?: number;
  /** Re-reads after a 409 or 404 within one call before giving up (the queue retries later). Default 5. */
  maxConflictRetries?: number;
}

/** Objects remembered from our own writes; past this, the oldest cost one more read when next written. */
const WRITTEN_CACHE_SIZE = 10_000;

type Located =
  | { readonly kind: 'found'; readonly object: InstrumentationInstance }
  | { readonly kind: 'missing'; readonly count: number };

/**
 * Persists agents as Odigos's InstrumentationInstance objects (docs/odigos.md, contract point 15), so the
 * Odigos UI and CLI show them: `<podName>-<pid>` in the pod's namespace, Odigos's labels plus ours, a
 * controller owner reference to the pod, status written through the `/status` subresource, at most 16 per pod.
 *
 * Only objects carrying `opamp-nest.io/managed-by=opamp-nest` are ever modified or deleted: odiglet's eBPF
 * path writes the same kind under the same names, and those are left alone.
 *
 * API calls per operation: a first write lists the pod's records (the per-pod cap; it also finds an existing
 * object), creates, then writes the status; later writes are one status PUT with the resourceVersion of the
 * previous answer; a 409 or 404 re-reads and tries again. A delete is one DELETE, preconditioned on the uid.
 */
export class InstrumentationInstanceStore implements AgentStore {
  private readonly logger = new Logger(InstrumentationInstanceStore.name);
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly requestTimeoutMs: number;
  private readonly maxPerPod: number;
  private readonly maxConflictRetries: number;
  /** The object as our last write left it, by record key: saves a read before each update. */
  private readonly written = new BoundedMap<string, InstrumentationInstance>(WRITTEN_CACHE_SIZE);

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: InstrumentationInstanceStoreOptions,
  ) {
    this.objects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxPerPod = options.maxInstancesPerPod ?? MAX_INSTANCES_PER_POD;
    this.maxConflictRetries = options.maxConflictRetries ?? 5;
  }

  async upsert(record: AgentRecord): Promise<UpsertOutcome> {
    const key = agentRecordKey(record.location);
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
            if (located.count >= this.maxPerPod) return 'over-cap';
            const podUid = await this.podUid(record);
            if (podUid === undefined) return 'pod-not-found';
            const outcome = await this.create(record, podUid);
            if (outcome === 'retry') continue;
            if (outcome === 'skipped-foreign') return outcome;
            current = outcome.object;
            created = outcome.created;
          }
        }
        const status = applyRecordToStatus(current.status, record);
        if (!created && sameStatus(current.status, status)) {
          this.written.set(key, current);
          return 'unchanged';
        }
        try {
          const updated = await this.replaceStatus({ ...current, status });
          this.written.set(key, updated);
          return created ? 'created' : 'updated';
        } catch (error) {
          if (!(error instanceof KubernetesConflictError || error instanceof KubernetesNotFoundError))
            throw error;
          // Someone else wrote it (409) or it is gone (404): read it again and re-apply.
          this.written.delete(key);
        }
      }
      throw new AgentStoreError(
        `the InstrumentationInstance of ${key} kept changing under ${this.maxConflictRetries + 1} writes; will retry`,
        { operation: 'upsert', record: key, retryable: true, status: 409 },
      );
    } catch (error) {
      this.written.delete(key);
      throw toStoreError(error, 'upsert', key);
    }
  }

  async remove(record: AgentRecord, reason: RemoveReason): Promise<RemoveOutcome> {
    const key = agentRecordKey(record.location);
    const { namespace } = record.location;
    const name = instanceName(record.location);
    try {
      for (let attempt = 0; attempt <= this.maxConflictRetries; attempt++) {
        const target = this.written.get(key) ?? (await this.get(namespace, name));
        if (!target) return 'absent';
        if (!isManagedByUs(target)) return 'skipped-foreign';
        try {
          await this.call(`delete InstrumentationInstance ${namespace}/${name}`, (options) =>
            this.objects.deleteNamespacedCustomObject(
              {
                group: GROUP,
                version: VERSION,
                plural: PLURAL,
                namespace,
                name,
                body: { preconditions: { uid: target.metadata.uid } },
              },
              options,
            ),
          );
          this.logger.debug(
            { agent: record.agentId, record: key, reason },
            'deleted InstrumentationInstance',
          );
          return 'deleted';
        } catch (error) {
          if (error instanceof KubernetesNotFoundError) return 'absent';
          if (!(error instanceof KubernetesConflictError)) throw error;
          // The uid precondition failed: the object was replaced; look at the new one.
          this.written.delete(key);
        }
      }
      throw new AgentStoreError(`the InstrumentationInstance of ${key} kept being replaced; will retry`, {
        operation: 'remove',
        record: key,
        retryable: true,
        status: 409,
      });
    } catch (error) {
      throw toStoreError(error, 'remove', key);
    } finally {
      this.written.delete(key);
    }
  }

  async list(): Promise<AgentRecord[]> {
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
      const answer = (await this.call(`list InstrumentationInstances (${labelSelector})`, (options) =>
        this.objects.listClusterCustomObject(
          { group: GROUP, version: VERSION, plural: PLURAL, labelSelector },
          options,
        ),
      )) as { items?: InstrumentationInstance[] };
      return (answer.items ?? [])
        .map(recordFromInstance)
        .filter((record): record is AgentRecord => record !== undefined);
    } catch (error) {
      throw toStoreError(error, 'list');
    }
  }

  /** The object of `record` and how many records its pod has (Odigos's cap of 16 per pod, docs/odigos.md). */
  private async locate(record: AgentRecord): Promise<Located> {
    const { namespace, podName } = record.location;
    const name = instanceName(record.location);
    if (!isValidLabelValue(podName)) {
      // No ownerPodName label on such pods, so no count either.
      const object = await this.get(namespace, name);
      return object ? { kind: 'found', object } : { kind: 'missing', count: 0 };
    }
    const labelSelector = `${OWNER_POD_NAME_LABEL}=${podName}`;
    const answer = (await this.call(
      `list InstrumentationInstances in ${namespace} (${labelSelector})`,
      (options) =>
        this.objects.listNamespacedCustomObject(
          { group: GROUP, version: VERSION, plural: PLURAL, namespace, labelSelector },
          options,
        ),
    )) as { items?: InstrumentationInstance[] };
    const items = answer.items ?? [];
    const object = items.find((item) => item.metadata.name === name);
    return object ? { kind: 'found', object } : { kind: 'missing', count: items.length };
  }

  private async create(
    record: AgentRecord,
    podUid: string,
  ): Promise<{ object: InstrumentationInstance; created: boolean } | 'retry' | 'skipped-foreign'> {
    const body = newInstance(record, podUid, this.options.nodeName);
    const { namespace, name } = body.metadata;
    try {
      const object = (await this.call(`create InstrumentationInstance ${namespace}/${name}`, (options) =>
        this.objects.createNamespacedCustomObject(
          { group: GROUP, version: VERSION, plural: PLURAL, namespace, body },
          options,
        ),
      )) as InstrumentationInstance;
      return { object, created: true };
    } catch (error) {
      if (!(error instanceof KubernetesConflictError)) throw error;
      // AlreadyExists, possibly without the ownerPodName label the list looked for.
      const existing = await this.get(body.metadata.namespace, body.metadata.name);
      if (!existing) return 'retry';
      return isManagedByUs(existing) ? { object: existing, created: false } : 'skipped-foreign';
    }
  }

  /** One API call with a deadline of its own, started now; it fails as a `KubernetesError`. */
  private call<T>(operation: string, call: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    return callKubernetesApi({ operation, deadlineMs: this.requestTimeoutMs }, call);
  }

  private async replaceStatus(object: InstrumentationInstance): Promise<InstrumentationInstance> {
    const { namespace, name } = object.metadata;
    return (await this.call(`update the status of InstrumentationInstance ${namespace}/${name}`, (options) =>
      this.objects.replaceNamespacedCustomObjectStatus(
        { group: GROUP, version: VERSION, plural: PLURAL, namespace, name, body: object },
        options,
      ),
    )) as InstrumentationInstance;
  }

  private async get(namespace: string, name: string): Promise<InstrumentationInstance | undefined> {
    try {
      return (await this.call(`read InstrumentationInstance ${namespace}/${name}`, (options) =>
        this.objects.getNamespacedCustomObject(
          { group: GROUP, version: VERSION, plural: PLURAL, namespace, name },
          options,
        ),
      )) as InstrumentationInstance;
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * The pod's uid, for the owner reference: from the record, else read from the API. Not cached: a pod
   * re-created under the same name (StatefulSet) has a new uid, and a reference to the old one would have
   * the garbage collector delete the record at once.
   */
  private async podUid(record: AgentRecord): Promise<string | undefined> {
    const { namespace, podName, podUid } = record.location;
    if (podUid) return podUid;
    try {
      const pod = await this.call(`read pod ${namespace}/${podName}`, (options) =>
        this.core.readNamespacedPod({ namespace, name: podName }, options),
      );
      return pod.metadata?.uid;
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw error;
    }
  }
}
