import { type LatencySummary } from './latency.js';
import { type AgentCounters, type AgentFlavor } from './simulated-agent.js';

/** Which simulated agents a generator runs. */
export interface AgentSet {
  readonly flavor: AgentFlavor;
  /** Index of the first agent (indexes make uids and Odigos pods). */
  readonly firstIndex: number;
  /** Salt of the uids, so two runs (or two generators) never share uids. */
  readonly salt: string;
  /** A health change every this many messages per agent; 0 never. */
  readonly statusEvery: number;
}

/** A timed run: warm-up, then the measured window. */
export interface TimedRun {
  readonly warmupMs: number;
  readonly measureMs: number;
}

/** Which WebSocket agents a generator opens, where, and how many at once. */
export interface WsConnectSpec extends AgentSet {
  readonly url: string;
  readonly agents: number;
  /** Connections being opened at once; `agents` for a storm. */
  readonly concurrency: number;
}

/** Commands the orchestrator sends to a generator process. */
export type GeneratorCommand =
  | ({
      readonly type: 'http-run';
      readonly url: string;
      readonly connections: number;
      /** Agents taking turns on each keep-alive connection (each with its own sequence). */
      readonly agentsPerConnection: number;
      readonly headers?: Readonly<Record<string, string>>;
    } & AgentSet &
      TimedRun)
  /** Creates the agents and connects them at once. */
  | ({ readonly type: 'ws-connect' } & WsConnectSpec)
  /** Creates the agents and encodes their first messages, answering `prepared`; `ws-start` connects them. */
  | ({ readonly type: 'ws-prepare' } & WsConnectSpec)
  | { readonly type: 'ws-start' }
  | ({
      readonly type: 'ws-run';
      /** `rate`: each agent sends `ratePerAgentPerS`; `closed-loop`: each sends again on its reply. */
      readonly mode: 'rate' | 'closed-loop';
      readonly ratePerAgentPerS: number;
    } & TimedRun)
  | { readonly type: 'ws-config-report' }
  | { readonly type: 'ws-close'; readonly disconnect: boolean }
  | { readonly type: 'exit' };

/** Result of a timed run. */
export interface RunResult {
  readonly messages: number;
  readonly durationMs: number;
  readonly latency: LatencySummary;
  /** Non-200 HTTP answers or failed sends. */
  readonly errors: number;
  readonly counters: AgentCounters;
  /** Largest delay between when a message was due and when it was sent (open loop), ms. */
  readonly maxSendLagMs: number;
  /** Messages sent but not answered when the window closed. */
  readonly unanswered: number;
  /** The latencies as an encoded histogram (`LatencyRecorder.encode`), to merge several generators' exactly. */
  readonly latencyHistogram?: string;
}

/** Result of `ws-connect`. */
export interface ConnectResult {
  readonly connected: number;
  readonly failed: number;
  /** From the first connect to the last first reply, ms. */
  readonly durationMs: number;
  /** Connect → first reply, per agent. */
  readonly latency: LatencySummary;
  readonly counters: AgentCounters;
  readonly failures: Readonly<Record<string, number>>;
  /** Epoch ms ({@link epochMs}) of the first connect and of the last first reply (or failure). */
  readonly startedAtEpochMs: number;
  readonly endedAtEpochMs: number;
  /** The connect → first reply latencies as an encoded histogram (`LatencyRecorder.encode`). */
  readonly latencyHistogram: string;
}

/** Result of `ws-config-report`. */
export interface ConfigReport {
  readonly agents: number;
  readonly received: number;
  /** Epoch ms (performance.timeOrigin + now) of the last and first receipt. */
  readonly lastAtEpochMs?: number;
  readonly firstAtEpochMs?: number;
}

/** What a generator sends back. */
export type GeneratorEvent =
  | { readonly type: 'measure-start' }
  | { readonly type: 'measure-end' }
  | { readonly type: 'run-result'; readonly result: RunResult }
  | { readonly type: 'prepared'; readonly agents: number }
  | { readonly type: 'connect-result'; readonly result: ConnectResult }
  | { readonly type: 'config-report'; readonly result: ConfigReport }
  | { readonly type: 'closed'; readonly closed: number }
  | { readonly type: 'error'; readonly message: string };

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();
