import { type BenchContext } from './bench-context.js';
import { type GeneratorProcess } from './generator-process.js';
import { type ConnectResult } from './generator-protocol.js';
import { type AgentFlavor } from './simulated-agent.js';

/** How {@link connectWsAgents} opens its agents. */
export interface WsConnectOptions {
  readonly flavor?: AgentFlavor;
  /** A health change every this many messages per agent; 0 (default) never. */
  readonly statusEvery?: number;
  /** Connections opened at once (default 500; the number of agents for a storm). */
  readonly concurrency?: number;
  /** Index of the first agent (default: the next free ones of this run). */
  readonly firstIndex?: number;
}

/** Has `generator` open `agents` WebSocket agents on `url`, each sending its full state; resolves on the last first reply. */
export async function connectWsAgents(
  ctx: BenchContext,
  generator: GeneratorProcess,
  url: string,
  agents: number,
  options: WsConnectOptions = {},
): Promise<ConnectResult> {
  const { result } = await generator.request(
    {
      type: 'ws-connect',
      url,
      agents,
      concurrency: options.concurrency ?? 500,
      flavor: options.flavor ?? 'collector',
      firstIndex: options.firstIndex ?? ctx.agentIndexes(agents),
      salt: ctx.salt,
      statusEvery: options.statusEvery ?? 0,
    },
    'connect-result',
  );
  return result;
}
