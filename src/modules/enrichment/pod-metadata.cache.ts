import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { type Clock, systemClock } from '../../common/clock.js';
import {
  callKubernetesApi,
  KubernetesNotFoundError,
  KubernetesUnavailableError,
} from '../kubernetes/index.js';
import { PodNotFoundError } from './enrichment.errors.js';
import { DEFAULT_KUBERNETES_API_DEADLINE_MS } from './kubernetes-api-call.js';
import { type KnownPods } from './node-pod-watch.js';
import { type PodMetadata, toPodMetadata } from './pod-metadata.js';

/** How long a read pod is served from memory unless configured: 5 min. */
export const DEFAULT_POD_CACHE_TTL_MS = 5 * 60_000;

/** How long a NotFound answer is remembered unless configured: 5 s. */
export const DEFAULT_POD_NOT_FOUND_TTL_MS = 5_000;

/** Most pods remembered at once unless configured: 10 000 (the oldest entries go first). */
export const DEFAULT_POD_CACHE_MAX_ENTRIES = 10_000;

/** Options of {@link PodMetadataCache}. */
export interface PodMetadataCacheOptions {
  /** How long a pod is served without asking the API again, ms; default {@link DEFAULT_POD_CACHE_TTL_MS}. */
  readonly ttlMs?: number;
  /** How long a NotFound is remembered, ms; default {@link DEFAULT_POD_NOT_FOUND_TTL_MS}. `0` disables it. */
  readonly notFoundTtlMs?: number;
  /** Deadline of each API read, ms; default {@link DEFAULT_KUBERNETES_API_DEADLINE_MS}. */
  readonly deadlineMs?: number;
  /** Most entries kept; default {@link DEFAULT_POD_CACHE_MAX_ENTRIES}. */
  readonly maxEntries?: number;
  /** Time source for expiry; default the system clock. */
  readonly clock?: Clock;
  /** Pods known without a read (the node's pod watch), asked first. */
  readonly known?: KnownPods;
}

type CacheEntry =
  | { readonly found: true; readonly pod: PodMetadata; readonly expiresAt: number }
  | { readonly found: false; readonly expiresAt: number };

/**
 * Answers pods from the node's pod watch ({@link KnownPods}) when it has them; reads the others from the API
 * server (`get pods`) and remembers only their {@link PodMetadata}.
 * Concurrent misses for one pod share a single read; a NotFound is remembered briefly so an agent that
 * keeps retrying with a wrong pod name costs one read per `notFoundTtlMs`. Failures other than NotFound
 * are not remembered.
 */
export class PodMetadataCache {
  private readonly core: CoreV1Api | undefined;
  private readonly ttlMs: number;
  private readonly notFoundTtlMs: number;
  private readonly deadlineMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;
  private readonly known: KnownPods | undefined;
  private readonly entries = new Map<string, CacheEntry>();
  private readonly reads = new Map<string, Promise<PodMetadata>>();

  /** @param kubeConfig where to read pods; `undefined` makes every read fail as `not-configured`. */
  constructor(kubeConfig: KubeConfig | undefined, options: PodMetadataCacheOptions = {}) {
    this.core = kubeConfig?.makeApiClient(CoreV1Api);
    this.ttlMs = options.ttlMs ?? DEFAULT_POD_CACHE_TTL_MS;
    this.notFoundTtlMs = options.notFoundTtlMs ?? DEFAULT_POD_NOT_FOUND_TTL_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_KUBERNETES_API_DEADLINE_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_POD_CACHE_MAX_ENTRIES;
    this.clock = options.clock ?? systemClock;
    this.known = options.known;
  }

  /**
   * The pod's metadata, from memory or one API read.
   * @throws {PodNotFoundError} the pod does not exist (remembered for `notFoundTtlMs`).
   * @throws {KubernetesUnavailableError} no answer within the deadline, no connection, HTTP 429/5xx, or no
   * Kubernetes configuration.
   * @throws {KubernetesRequestError} any other refusal (e.g. 403: missing RBAC).
   */
  get(namespace: string, name: string): Promise<PodMetadata> {
    const watched = this.known?.get(namespace, name);
    if (watched) return Promise.resolve(watched);
    const key = `${namespace}/${name}`;
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.clock.now()) {
      return entry.found ? Promise.resolve(entry.pod) : Promise.reject(new PodNotFoundError(namespace, name));
    }
    if (entry) this.entries.delete(key);
    return this.reads.get(key) ?? this.load(key, namespace, name);
  }

  /** Forgets the pod (found or not), and makes a read already under way not store its answer. */
  invalidate(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    this.entries.delete(key);
    this.reads.delete(key);
  }

  /** Number of remembered pods and NotFound answers, expired ones included until they are next asked for. */
  get size(): number {
    return this.entries.size;
  }

  private load(key: string, namespace: string, name: string): Promise<PodMetadata> {
    const read: Promise<PodMetadata> = this.read(namespace, name).then(
      (pod) => {
        if (this.reads.get(key) === read) {
          this.reads.delete(key);
          this.remember(key, { found: true, pod, expiresAt: this.clock.now() + this.ttlMs });
        }
        return pod;
      },
      (error: unknown) => {
        if (this.reads.get(key) === read) {
          this.reads.delete(key);
          if (error instanceof PodNotFoundError && this.notFoundTtlMs > 0) {
            this.remember(key, { found: false, expiresAt: this.clock.now() + this.notFoundTtlMs });
          }
        }
        throw error;
      },
    );
    this.reads.set(key, read);
    return read;
  }

  private async read(namespace: string, name: string): Promise<PodMetadata> {
    const operation = `read pod ${namespace}/${name}`;
    const core = this.core;
    if (!core) {
      throw new KubernetesUnavailableError(operation, 'not-configured', 'no kubeconfig and not in a cluster');
    }
    try {
      const pod = await callKubernetesApi({ operation, deadlineMs: this.deadlineMs }, (options) =>
        core.readNamespacedPod({ name, namespace }, options),
      );
      return toPodMetadata(pod);
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) {
        throw new PodNotFoundError(namespace, name, { cause: error });
      }
      throw error;
    }
  }

  private remember(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // Map iteration is insertion order, so the first keys are the least recently stored.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
