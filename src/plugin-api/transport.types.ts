/** The transport an agent uses. */
export type TransportKind = 'http' | 'websocket';

/** An incoming HTTP request or WebSocket upgrade, before any message is read. */
export interface ConnectionRequest {
  readonly transport: TransportKind;
  /** Remote address, or the Unix socket path. */
  readonly remoteAddress: string;
  /** Request headers (of the HTTP request or of the WebSocket upgrade), lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Why an agent's session ended. */
export type DisconnectReason =
  /** The agent sent agent_disconnect. */
  | 'agent-disconnect'
  /** Its WebSocket closed. */
  | 'connection-closed'
  /** It stayed silent longer than the stale limit. */
  | 'stale'
  /** The server is shutting down. */
  | 'server-shutdown';
