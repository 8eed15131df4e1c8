export { type AgentConnection } from './agent-connection.js';
export { type AgentEvent, type AgentEventListener, AgentEvents } from './agent-events.js';
export { AgentRegistry } from './agent-registry.js';
export { AgentSession } from './agent-session.js';
export { AGENT_STATUS_FIELDS, carriesStatus, mergeAgentStatus, messageHasStatus } from './agent-status.js';
export { carriesFullState, isSequenceGap } from './full-state.js';
export { MessagePipeline, type PushResult } from './message-pipeline.service.js';
export { OpampAgents } from './opamp-agents.service.js';
export { SessionModule } from './session.module.js';
