import { type LatencySummary } from '../lib/latency.js';
import { type AgentCounters } from '../lib/simulated-agent.js';

/** Commands the scale orchestrator sends to one `scale-load` generator process. */
export type ScaleCommand =
  | {
      readonly type: 'connect';
      readonly url: string;
      /** Loopback source address of this process's sockets (127.0.0.2, ...). */
      readonly localAddress: string;
      readonly agents: number;
      readonly firstIndex: number;
      readonly salt: string;
      /** Heartbeat period of every agent, ms (the spec's default is 30 s). */
      readonly heartbeatMs: number;
      /** Connections being opened at once. */
      readonly concurrency: number;
      /** How long the agents whose first attempt failed may take to be served on a retry, ms. */
      readonly timeoutMs: number;
    }
  /** Resets the latency histogram and the counters: the measured window starts. */
  | { readonly type: 'measure-start' }
  /** The counters and latency since `measure-start`, and who is connected and served now. */
  | { readonly type: 'status'; readonly servedSinceEpochMs?: number }
  /** Closes every socket and stops reconnecting. */
  | { readonly type: 'close' }
  | { readonly type: 'exit' };

/** What a generator reports on `status`. */
export interface ScaleStatus {
  readonly agents: number;
  /** Sockets open now. */
  readonly open: number;
  /** Agents whose first message on their current socket was answered. */
  readonly served: number;
  /** Agents first served on a socket opened after `servedSinceEpochMs`. */
  readonly servedSince: number;
  /** Epoch ms of the last of those, if any. */
  readonly lastServedAtEpochMs?: number;
  /** Heartbeats answered since `measure-start`, and their latency (write → whole reply). */
  readonly messages: number;
  readonly latency: LatencySummary;
  /** Heartbeats sent and not answered yet. */
  readonly unanswered: number;
  /** Largest delay of the generator's own heartbeat ticker behind its schedule, ms (its own stalls). */
  readonly maxTickLagMs: number;
  /** Socket errors and closes the server did not ask for (a close with 1001 during a restart is asked for). */
  readonly errors: number;
  /** `error` events by code, and unexpected closes by close code, since `measure-start`. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Upgrades refused with an HTTP status (429/503 with Retry-After are retried), by status. */
  readonly refusals: Readonly<Record<string, number>>;
  /** Reconnect attempts (after a close or a failed connect). */
  readonly reconnects: number;
  readonly counters: AgentCounters;
}

/** What a generator sends back. */
export type ScaleEvent =
  | { readonly type: 'connected'; readonly status: ScaleStatus; readonly durationMs: number }
  | { readonly type: 'status'; readonly status: ScaleStatus }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly message: string };
