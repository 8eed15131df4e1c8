import { type AgentToServer, type ServerToAgent } from '../../../src/generated/opamp/v1/opamp.js';
import { type AgentHttpClient, type AgentHttpResponse } from './agent-http.js';
import {
  decodeAgentToServer,
  decodeServerToAgent,
  encodeAgentToServer,
  type AgentToServerInit,
} from './agent-messages.js';

/** Why a simulator sent a message; lets tests pick messages without counting. */
export type OdigosMessagePurpose =
  /** The first (full-state) message, one per attempt. */
  | 'first'
  /** `health{healthy:true, status:"Healthy"}` after config was applied. */
  | 'healthy'
  | 'heartbeat'
  /** The answer to `ReportFullState`. */
  | 'fullState'
  | 'disconnect'
  /** Python: description + `NoConnectionToOpAMPServer` after the first message failed. */
  | 'noConnection'
  /** Python: `instrumentation libraries report`. */
  | 'libraries'
  /** Python: description + disconnect + `UnsupportedRuntimeVersion`. */
  | 'unsupportedRuntime';

/** The server's answer to one message. */
export interface OdigosResponse extends AgentHttpResponse {
  /** The decoded body; absent when it is not protobuf the agent could read. */
  readonly message?: ServerToAgent;
}

/** One request a simulator made and what came of it. */
export interface OdigosExchange {
  readonly purpose: OdigosMessagePurpose;
  /** The message as sent, decoded back from the exact bytes on the wire. */
  readonly message: AgentToServer;
  /** The encoded body. */
  readonly body: Buffer;
  /** The header lines the client wrote, in order. */
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  /** Set once a response arrived (any status). */
  response?: OdigosResponse;
  /** Set when no response arrived (connection error, timeout). */
  error?: string;
}

/** Records every exchange of a simulator and tracks the ones in flight. */
export class ExchangeLog {
  readonly exchanges: OdigosExchange[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly http: AgentHttpClient) {}

  /**
   * Encodes `init`, records it, posts it and records the outcome. Resolves with the exchange (never
   * rejects): the simulators decide what counts as failure, as each agent does differently.
   */
  send(purpose: OdigosMessagePurpose, init: AgentToServerInit): Promise<OdigosExchange> {
    const body = encodeAgentToServer(init);
    const exchange: OdigosExchange = {
      purpose,
      message: decodeAgentToServer(body),
      body,
      requestHeaders: this.http.requestHeaders(body.length),
    };
    this.exchanges.push(exchange);
    const done = this.http.post(body).then(
      (response) => {
        let message: ServerToAgent | undefined;
        try {
          message = decodeServerToAgent(response.body);
        } catch {
          message = undefined;
        }
        exchange.response = { ...response, message };
        return exchange;
      },
      (error: Error) => {
        exchange.error = error.message;
        return exchange;
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  /** Resolves when nothing is in flight any more (including requests started meanwhile). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
