import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { type ConnectionRequest, type TransportKind } from '../../plugin-api/index.js';

/**
 * One agent connection as the pipeline sees it, whatever the transport. An HTTP connection lives for
 * one request and cannot push; a WebSocket connection lives until either side closes it.
 */
export interface AgentConnection extends ConnectionRequest {
  /** Unique per connection (per request for HTTP). */
  readonly id: string;
  readonly transport: TransportKind;
  /** Remote address, or the Unix socket path. */
  readonly remoteAddress: string;
  /** Request headers of the HTTP request or of the WebSocket upgrade, lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Whether `push` can deliver a message now (an open WebSocket). */
  readonly canPush: boolean;
  /** Sends a message outside a request/response exchange; resolves once written. */
  push(message: ServerToAgent): Promise<void>;
  /** Closes the connection (WebSocket) with a close code and reason. */
  close(code: number, reason: string): void;
}
