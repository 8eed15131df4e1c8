import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type ServerResponse } from 'node:http';
import { type LiveEvent, liveEventStreams } from '../admin/index.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeDirectory } from './node-directory.js';
import { type NodeEndpoint } from './node-endpoint.js';
import { NodeEventStream } from './node-event-stream.js';

const keyOf = (endpoint: NodeEndpoint): string =>
  `${endpoint.node}@${endpoint.address}:${endpoint.adminPort ?? '-'}`;

/**
 * `GET /api/v1/events` of the hub: one upstream stream per node server ({@link NodeEventStream}), open
 * while at least one client listens, following the EndpointSlices (a node added is streamed, one removed or
 * moved is closed); their events merged onto every client, each tagged with its node, with the node server's
 * framing and heartbeat.
 */
@Injectable()
export class HubLiveEvents implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HubLiveEvents.name);
  private readonly clients = liveEventStreams(this.logger);
  private readonly upstreams = new Map<string, NodeEventStream>();
  private unsubscribe?: () => void;

  constructor(
    private readonly directory: NodeDirectory,
    private readonly client: NodeAdminClient,
    @InjectHubOptions() private readonly options: HubOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.directory.onChange(() => this.reconcile());
  }

  /** Before the listener closes, which would otherwise wait for these streams. */
  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    this.clients.close();
    await this.closeUpstreams([...this.upstreams.keys()]);
  }

  /** Starts an event stream on `response` (already authorized); it ends when the client goes. */
  attach(response: ServerResponse): void {
    this.clients.attach(response, () => this.reconcile());
    this.reconcile();
  }

  /** Node servers streamed now, by node. */
  get streamedNodes(): string[] {
    return [...this.upstreams.values()].map((stream) => stream.endpoint.node).sort();
  }

  /** Opens the streams of the node servers listed now, closes the others; none while no client listens. */
  private reconcile(): void {
    const wanted = new Map<string, NodeEndpoint>();
    if (this.clients.size > 0 && this.directory.ready) {
      for (const endpoint of this.directory.nodes()) wanted.set(keyOf(endpoint), endpoint);
    }
    const gone = [...this.upstreams.keys()].filter((key) => !wanted.has(key));
    void this.closeUpstreams(gone);
    for (const [key, endpoint] of wanted) {
      if (this.upstreams.has(key)) continue;
      this.upstreams.set(
        key,
        new NodeEventStream(
          endpoint,
          this.client,
          this.options.eventStreamBackoff,
          (event) => this.send(event),
          this.logger,
        ),
      );
    }
  }

  private async closeUpstreams(keys: readonly string[]): Promise<void> {
    const closing = keys.map((key) => {
      const stream = this.upstreams.get(key);
      this.upstreams.delete(key);
      return stream?.close();
    });
    await Promise.all(closing);
  }

  private send(event: LiveEvent): void {
    this.clients.send(event.type, event);
  }
}
