/** Helpers for testing applications and plugins built on opamp-nest: `opamp-nest/testing`. */
export { ManualClock } from './manual-clock.js';
export {
  type AgentExchange,
  type AgentMessage,
  postAgentMessage,
  randomInstanceUid,
} from './opamp-test-agent.js';
export { type OpampTestApp, type OpampTestAppOptions, startOpampTestApp } from './opamp-test-app.js';
