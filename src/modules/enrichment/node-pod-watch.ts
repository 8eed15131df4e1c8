import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import { type PodMetadata, toPodMetadata } from './pod-metadata.js';
import {
  ReflectedCache,
  ResourceReflector,
  type ReflectorTiming,
  type WatchEventType,
} from '../kubernetes/index.js';

/** Where the {@link PodMetadataCache} looks before it reads a pod from the API. */
export interface KnownPods {
  /** The pod, if known without asking the API server. */
  get(namespace: string, name: string): PodMetadata | undefined;
}

/** Options of {@link NodePodWatch}: the list/watch timing of its {@link ResourceReflector}. */
export type NodePodWatchOptions = ReflectorTiming;

function isPod(object: unknown): object is V1Pod {
  return typeof object === 'object' && object !== null && 'metadata' in object;
}

/**
 * The pods of this node (`spec.nodeName`), kept in memory (their {@link PodMetadata} only) by one list +
 * watch: agents run in pods of the node their server serves, so a storm of first messages costs no API read Pods it has not seen (yet) are read by the {@link PodMetadataCache}
 * as before. Without a KubeConfig it is inert and empty.
 */
export class NodePodWatch extends ReflectedCache implements KnownPods {
  protected readonly logger = new Logger(NodePodWatch.name);
  protected readonly reflector: ResourceReflector | undefined;
  private readonly pods = new Map<string, PodMetadata>();
  private synced = false;

  /** @param kubeConfig the cluster; `undefined` makes the watch inert. @param nodeName the node to watch. */
  constructor(
    kubeConfig: KubeConfig | undefined,
    private readonly nodeName: string,
    options: NodePodWatchOptions = {},
  ) {
    super('the pods of this node');
    if (!kubeConfig) return;
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const fieldSelector = `spec.nodeName=${nodeName}`;
    this.reflector = new ResourceReflector({
      ...options,
      kubeConfig,
      resource: `pods on node ${nodeName}`,
      path: '/api/v1/pods',
      query: { fieldSelector },
      list: (requestOptions) => core.listPodForAllNamespaces({ fieldSelector }, requestOptions),
      handler: this.reflectorHandler(),
    });
  }

  /** Whether the first list has arrived. */
  get ready(): boolean {
    return this.synced;
  }

  /** Number of pods held. */
  get size(): number {
    return this.pods.size;
  }

  get(namespace: string, name: string): PodMetadata | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  protected replaceAll(objects: readonly unknown[]): void {
    this.pods.clear();
    for (const object of objects) if (isPod(object)) this.store(toPodMetadata(object));
    if (!this.synced) {
      this.synced = true;
      this.logger.log({ node: this.nodeName, pods: this.pods.size }, 'pods of this node listed');
    }
  }

  protected apply(type: WatchEventType, object: unknown): void {
    if (!isPod(object)) return;
    const pod = toPodMetadata(object);
    if (type === 'DELETED') this.pods.delete(`${pod.namespace}/${pod.name}`);
    else this.store(pod);
  }

  private store(pod: PodMetadata): void {
    if (pod.name !== '' && pod.namespace !== '') this.pods.set(`${pod.namespace}/${pod.name}`, pod);
  }
}
