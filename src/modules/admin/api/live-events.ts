import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ServerResponse } from 'node:http';
import { type ConfigStore, FleetConfigs, InjectConfigStore } from '../../fleet/index.js';
import { AgentEvents, type AgentSession } from '../../session/index.js';
import { agentSummary } from './agent-view.js';
import { liveEventStreams } from './live-event-streams.js';

/** At most one `agent.updated` per agent per this many milliseconds (a burst of messages is one event). */
export const LIVE_EVENTS_COALESCE_MS = 500;

/**
 * Fans the server's agent and config changes out to the `GET /api/v1/events` streams as Server-Sent
 * Events: `agent.connected`, `agent.updated` (coalesced per agent), `agent.disconnected` with the agent's
 * summary, and `config.changed` with the config names. Each event is serialized once for every client.
 */
@Injectable()
export class LiveEvents implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveEvents.name);
  private readonly clients = liveEventStreams(this.logger);
  private readonly pendingUpdates = new Map<string, AgentSession>();
  private readonly unsubscribe: Array<() => void> = [];
  private flushTimer?: NodeJS.Timeout;

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
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    clearTimeout(this.flushTimer);
    // Runs before the listeners close, which would otherwise wait for these streams.
    this.clients.close();
  }

  /** Starts an event stream on `response` (already authorized); it ends when the client goes. */
  attach(response: ServerResponse): void {
    this.clients.attach(response);
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
    this.clients.send(type, data);
  }
}
