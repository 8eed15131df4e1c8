/**
 * Where a simulated Odigos agent sends its OpAMP requests.
 * - a string is the value of `ODIGOS_OPAMP_SERVER_HOST`: `host:port` without a scheme (docs/odigos.md);
 *   an `http://host:port` URL is accepted too and only its host and port are used;
 * - `{ socketPath }` is the value of `ODIGOS_OPAMP_UNIX_SOCKET` (docs/odigos.md, Python only in reality).
 */
export type OdigosAgentTarget = string | { socketPath: string };

/** The path both agents post to; fixed in both clients (docs/odigos.md). */
export const OPAMP_PATH = '/v1/opamp';

/** A resolved endpoint plus the `Host` header value a standard HTTP client would send for it. */
export type ResolvedTarget =
  | { kind: 'tcp'; host: string; port: number; hostHeader: string }
  | { kind: 'unix'; socketPath: string; hostHeader: string };

/**
 * Resolves a target like the agents' HTTP clients: a missing port means 80, and the `Host` header
 * carries the port only when it is not 80 (Node's `http` and Python's `http.client` agree on this).
 */
export function resolveTarget(target: OdigosAgentTarget): ResolvedTarget {
  if (typeof target !== 'string') {
    // Python's _UnixHTTPConnection calls HTTPConnection("localhost") → `Host: localhost`.
    return { kind: 'unix', socketPath: target.socketPath, hostHeader: 'localhost' };
  }
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `http://${target}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 80 : Number(url.port);
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return { kind: 'tcp', host, port, hostHeader: port === 80 ? bracketed : `${bracketed}:${port}` };
}
