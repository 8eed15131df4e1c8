import { DiscoveryV1Api, type KubeConfig, type V1EndpointSlice } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import {
  ReflectedCache,
  ResourceReflector,
  type ReflectorTiming,
  type WatchEventType,
} from '../kubernetes/index.js';
import { NodesNotListedError } from './hub.errors.js';
import { type EndpointPorts, type NodeEndpoint, nodeEndpointsOf } from './node-endpoint.js';

/** Options of a {@link NodeDirectory}. */
export interface NodeDirectoryOptions extends ReflectorTiming {
  readonly kubeConfig: KubeConfig;
  /** The headless Service of the node servers. */
  readonly service: string;
  readonly namespace: string;
  readonly ports: EndpointPorts;
}

const isSlice = (object: unknown): object is V1EndpointSlice =>
  typeof object === 'object' && object !== null && 'metadata' in object;

/**
 * The node servers, as the EndpointSlices of their Service (label `kubernetes.io/service-name`) list them,
 * kept current by one list + watch. Nodes are sorted by name; an address seen in two slices counts once.
 */
export class NodeDirectory extends ReflectedCache {
  protected readonly logger = new Logger(NodeDirectory.name);
  protected readonly reflector: ResourceReflector;
  private readonly slices = new Map<string, NodeEndpoint[]>();
  private readonly listeners = new Set<() => void>();
  private listed = false;

  constructor(private readonly options: NodeDirectoryOptions) {
    super(`the EndpointSlices of Service ${options.namespace}/${options.service}`);
    const { kubeConfig, namespace, service } = options;
    const api = kubeConfig.makeApiClient(DiscoveryV1Api);
    const labelSelector = `kubernetes.io/service-name=${service}`;
    this.reflector = new ResourceReflector({
      ...options,
      kubeConfig,
      resource: `endpointslices of ${namespace}/${service}`,
      path: `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
      query: { labelSelector },
      list: (requestOptions) => api.listNamespacedEndpointSlice({ namespace, labelSelector }, requestOptions),
      handler: this.reflectorHandler(),
    });
  }

  /** Whether the slices have been listed once. */
  get ready(): boolean {
    return this.listed;
  }

  /** `namespace/service`, for messages. */
  get serviceName(): string {
    return `${this.options.namespace}/${this.options.service}`;
  }

  /** Every node server known now, sorted by node name. */
  nodes(): NodeEndpoint[] {
    const byAddress = new Map<string, NodeEndpoint>();
    for (const endpoints of this.slices.values()) {
      for (const endpoint of endpoints) byAddress.set(`${endpoint.address}:${endpoint.adminPort}`, endpoint);
    }
    return [...byAddress.values()].sort((a, b) =>
      a.node < b.node ? -1 : a.node > b.node ? 1 : a.address < b.address ? -1 : 1,
    );
  }

  /**
   * Every node server known now, sorted by node name.
   * @throws NodesNotListedError before the first list of the EndpointSlices.
   */
  listedNodes(): NodeEndpoint[] {
    if (!this.listed) throw new NodesNotListedError(this.serviceName);
    return this.nodes();
  }

  /** Calls `listener` after every change of the node servers listed; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The node server of a node, if known. */
  find(node: string): NodeEndpoint | undefined {
    return this.nodes().find((endpoint) => endpoint.node === node);
  }

  protected replaceAll(objects: readonly unknown[]): void {
    this.slices.clear();
    for (const object of objects) if (isSlice(object)) this.store(object);
    if (!this.listed) {
      this.listed = true;
      this.logger.log({ service: this.serviceName, nodes: this.nodes().length }, 'node servers listed');
    }
    this.changed();
  }

  protected apply(type: WatchEventType, object: unknown): void {
    if (!isSlice(object)) return;
    if (type === 'DELETED') this.slices.delete(object.metadata?.name ?? '');
    else this.store(object);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'a listener of the node servers failed');
      }
    }
  }

  private store(slice: V1EndpointSlice): void {
    const name = slice.metadata?.name;
    if (name) this.slices.set(name, nodeEndpointsOf(slice, this.options.ports));
  }
}
