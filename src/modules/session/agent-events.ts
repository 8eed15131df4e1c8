import { Injectable, Logger } from '@nestjs/common';
import { ListenerSet } from '../../common/listener-set.js';
import { type AgentToServer } from '../../generated/opamp/v1/opamp.js';
import { type AgentSession } from './agent-session.js';
import { type AgentStatusField, type DisconnectReason } from '../../plugin-api/index.js';

/** A state change in the pipeline, for the modules downstream (persistence, metrics, plugins). */
export type AgentEvent =
  | { readonly type: 'connected'; readonly session: AgentSession }
  | {
      readonly type: 'message';
      readonly session: AgentSession;
      readonly message: AgentToServer;
      /** Status fields whose value changed with this message. */
      readonly changed: readonly AgentStatusField[];
    }
  | { readonly type: 'uid-changed'; readonly session: AgentSession; readonly previousDisplayId: string }
  | { readonly type: 'disconnected'; readonly session: AgentSession; readonly reason: DisconnectReason };

/** Receives {@link AgentEvent}s. */
export type AgentEventListener = (event: AgentEvent) => void;

/**
 * Publishes {@link AgentEvent}s to listeners synchronously, in order. A throwing listener is logged
 * and skipped: it never fails the message being handled.
 */
@Injectable()
export class AgentEvents {
  private readonly logger = new Logger(AgentEvents.name);
  private readonly listeners = new ListenerSet<AgentEvent>((error, event) =>
    this.logger.error(
      { err: error, event: event.type, agent: event.session.displayId },
      'agent event listener failed',
    ),
  );

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: AgentEventListener): () => void {
    return this.listeners.add(listener);
  }

  emit(event: AgentEvent): void {
    this.listeners.emit(event);
  }
}
