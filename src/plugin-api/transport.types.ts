/** The transport an agent uses. */
export type TransportKind = 'http' | 'websocket';

/** An incoming HTTP request or WebSocket upgrade, before any message is read. */
export interface ConnectionRequest {
  readonly transport: TransportKind;
  /** Remote address, or the Unix socket path. */
  readonly remoteAddress: string;
  /** Request headers (of the HTTP request or of the WebSocket upgrade), lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The certificate the client presented over TLS, set only when the server asks for one
   * (`OPAMP_TLS_CLIENT_CA_FILE`, mTLS) and it was verified against those CAs during the handshake; a client
   * without a valid one never gets this far. Undefined over plain HTTP/WS, the Unix socket, and TLS without
   * mTLS. See docs/tls.md.
   */
  readonly clientCertificate?: ClientCertificate;
}

/**
 * A verified client certificate, with the fields as Node's `X509Certificate` formats them
 * (https://nodejs.org/api/crypto.html#class-x509certificate).
 */
export interface ClientCertificate {
  /** Subject distinguished name, one `KEY=value` per line, e.g. `"O=example\nCN=agent-1"`. */
  readonly subject: string;
  /** The subject's common name (`CN`), when it has one. */
  readonly commonName?: string;
  /** Subject alternative names, e.g. `"DNS:node-1, URI:spiffe://cluster.local/ns/a/sa/b"`, when any. */
  readonly subjectAltName?: string;
  /** Issuer distinguished name, formatted as {@link subject}. */
  readonly issuer: string;
  /** Serial number, upper-case hex. */
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the DER certificate, upper-case hex bytes joined by `:`. */
  readonly fingerprint256: string;
  /** Start of validity, e.g. `"Jan  1 00:00:00 2026 GMT"`. */
  readonly validFrom: string;
  /** End of validity, formatted as {@link validFrom}. */
  readonly validTo: string;
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
