import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ServerResponse } from 'node:http';
import { type ConfigStore, FleetConfigs, InjectConfigStore } from '../../fleet/index.js';
import { AgentEvents, type AgentSession } from '../../session/index.js';
import { agentSummary } from './agent-view.js';

/** At most one `agent.updated` per agent per this many milliseconds (a burst of messages is one event). */
export const LIVE_EVENTS_COALESCE_MS = 500;
/** How long a stream's last bytes may take to leave when the server stops, ms. */
const STREAM_END_GRACE_MS = 1000;
/** A comment line this often keeps proxies from closing an idle stream. */
export const LIVE_EVENTS_HEARTBEAT_MS = 15_000;
/** A client with more than this many bytes unsent cannot keep up: it is dropped. */
export const LIVE_EVENTS_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Fans the server's agent and config changes out to the `GET /api/v1/events` streams as Server-Sent
 * Events: `agent.connected`, `agent.updated` (coalesced per agent), `agent.disconnected` with the agent's
 * summary, and `config.changed` with the config names. Each event is serialized once for every client.
 */
@Injectable()
export class LiveEvents implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveEvents.name);
  private readonly clients = new Set<ServerResponse>();
  private readonly pendingUpdates = new Map<string, AgentSession>();
  private readonly unsubscribe: Array<() => void> = [];
  private flushTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(
    private readonly events: AgentEvents,
    private readonly fleet: FleetConfigs,
    @InjectConfigStore() private readonly store: ConfigStore,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.subscribe((event) => {
        if (this.clients.size === 0) return;
        switch (event.type) {
          case 'connected':
            this.pendingUpdates.delete(event.session.displayId);
            this.sendAgent('agent.connected', event.session);
            return;
          case 'message':
            if (event.changed.length > 0) this.queueUpdate(event.session);
            return;
          case 'uid-changed':
            this.queueUpdate(event.session);
            return;
          case 'disconnected':
            this.pendingUpdates.delete(event.session.displayId);
            this.sendAgent('agent.disconnected', event.session);
            return;
        }
      }),
      this.store.onChange((change) => {
        if (this.clients.size > 0)
          this.send('config.changed', { type: 'config.changed', configs: [...change.configs] });
      }),
    );
    this.heartbeatTimer = setInterval(() => this.broadcast(': heartbeat\n\n'), LIVE_EVENTS_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.flushTimer);
    // Each stream ends with the server and takes its connection along: left open (a client that stopped
    // reading, or a keep-alive socket) it would hold the admin listener's close until a timeout.
    // (The socket, not the response: a finished response lets go of its socket, which stays open as idle.)
    for (const client of this.clients) {
      const socket = client.socket;
      client.end(() => socket?.destroy());
      setTimeout(() => socket?.destroy(), STREAM_END_GRACE_MS).unref();
    }
    this.clients.clear();
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
    response.on('close', () => this.clients.delete(response));
  }

  /** How many streams are open. */
  get clientCount(): number {
    return this.clients.size;
  }

  private queueUpdate(session: AgentSession): void {
    this.pendingUpdates.set(session.displayId, session);
    this.flushTimer ??= setTimeout(() => this.flush(), LIVE_EVENTS_COALESCE_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const sessions = [...this.pendingUpdates.values()];
    this.pendingUpdates.clear();
    for (const session of sessions) this.sendAgent('agent.updated', session);
  }

  private sendAgent(type: string, session: AgentSession): void {
    this.send(type, { type, agent: agentSummary(session, this.fleet) });
  }

  private send(type: string, data: unknown): void {
    this.broadcast(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
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
