import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ServerResponse } from 'node:http';
import { LIVE_EVENTS_HEARTBEAT_MS, LIVE_EVENTS_MAX_BUFFERED_BYTES, type LiveEvent } from '../admin/index.js';
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
export class HubLiveEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HubLiveEvents.name);
  private readonly clients = new Set<ServerResponse>();
  private readonly upstreams = new Map<string, NodeEventStream>();
  private unsubscribe?: () => void;
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(
    private readonly directory: NodeDirectory,
    private readonly client: NodeAdminClient,
    @InjectHubOptions() private readonly options: HubOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.directory.onChange(() => this.reconcile());
    this.heartbeatTimer = setInterval(() => this.broadcast(': heartbeat\n\n'), LIVE_EVENTS_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.heartbeatTimer);
    for (const client of this.clients) client.end();
    this.clients.clear();
    await this.closeUpstreams([...this.upstreams.keys()]);
  }

  /** Starts an event stream on `response` (already authorized); it ends when the client goes. */
  attach(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    response.write(': connected\n\n');
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      this.reconcile();
    });
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
    this.broadcast(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  private broadcast(frame: string): void {
    for (const client of this.clients) {
      if (client.writableLength > LIVE_EVENTS_MAX_BUFFERED_BYTES) {
        this.logger.warn(
          { bufferedBytes: client.writableLength },
          'dropping a GET /api/v1/events client that does not keep up',
        );
        this.clients.delete(client);
        client.destroy();
        continue;
      }
      client.write(frame);
    }
  }
}
