import { Module } from '@nestjs/common';
import { PluginsModule } from '../plugins/index.js';
import { AgentEvents } from './agent-events.js';
import { AgentRegistry } from './agent-registry.js';
import { MessagePipeline } from './message-pipeline.service.js';
import { OpampAgents } from './opamp-agents.service.js';

/** The agent registry, the message pipeline and {@link OpampAgents}, the agents as plugins see them. */
@Module({
  imports: [PluginsModule],
  providers: [AgentRegistry, AgentEvents, MessagePipeline, OpampAgents],
  exports: [AgentRegistry, AgentEvents, MessagePipeline, OpampAgents],
})
export class SessionModule {}
