import { Injectable } from '@nestjs/common';
import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { type AgentView } from '../../plugin-api/index.js';
import { AgentRegistry } from './agent-registry.js';
import { type AgentSession } from './agent-session.js';
import { MessagePipeline, type PushResult } from './message-pipeline.service.js';

/**
 * The agents this server holds, for plugins and modules that act outside a message: list them, look one
 * up, re-ask the plugins for an agent's remote config, deliver a message. Everything it hands out is a
 * read-only {@link AgentView}; an agent whose session has ended is ignored.
 */
@Injectable()
export class OpampAgents {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly pipeline: MessagePipeline,
  ) {}

  /** How many agents are connected. */
  get size(): number {
    return this.registry.size;
  }

  /** A snapshot of every agent. */
  list(): AgentView[] {
    return this.registry.list();
  }

  /** The agent shown as `displayId` (its uid as a UUID, text or hex), if connected. */
  find(displayId: string): AgentView | undefined {
    return this.registry.findByDisplayId(displayId);
  }

  /**
   * Asks the plugins again for the agent's remote config (after its source changed) and offers it: at once
   * over an open WebSocket, on the next poll over HTTP.
   */
  async refreshRemoteConfig(agent: AgentView): Promise<void> {
    const session = this.live(agent);
    if (session) await this.pipeline.refreshRemoteConfig(session);
  }

  /** Delivers fields of a ServerToAgent outside a request; `undefined` when the agent is gone. */
  async push(agent: AgentView, message: Partial<ServerToAgent>): Promise<PushResult | undefined> {
    const session = this.live(agent);
    return session ? this.pipeline.push(session, message) : undefined;
  }

  private live(agent: AgentView): AgentSession | undefined {
    const session = this.registry.get(agent.instanceUid);
    return session === agent ? session : undefined;
  }
}
