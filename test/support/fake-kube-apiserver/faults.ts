import { type RequestInfo, type RequestMatcher } from './request-info.js';
import { KubeApiError, reasonForCode } from './status.js';

/** An injected failure. */
export interface FaultSpec {
  /** HTTP status of the `Status` response; default 500. */
  status?: number;
  /** `Status.reason`; defaults to the real server's reason for `status`. */
  reason?: string;
  message?: string;
  /** Sends `Retry-After` and `details.retryAfterSeconds` (as on 429 throttling). */
  retryAfterSeconds?: number;
  /** Destroy the connection instead of answering (the client sees ECONNRESET / "socket hang up"). */
  reset?: boolean;
  /** Only requests this accepts are failed (and counted). */
  match?: RequestMatcher;
}

/**
 * How an outage looks to clients:
 * - `'reset'` (default): each request's socket is destroyed, so `@kubernetes/client-node` rejects
 *   with node-fetch's `FetchError` (`code: 'ECONNRESET'`, "socket hang up"), as for a dead API server.
 * - `'unavailable'`: requests get a 503 `ServiceUnavailable` `Status`, so the client rejects with
 *   `ApiException` `code: 503`, as behind a load balancer with no healthy backend.
 * Open watch streams are cut when an outage starts (reset, or ended cleanly for `'unavailable'`).
 */
export type OutageMode = 'reset' | 'unavailable';

/** Options of `FaultInjector.outage()`. */
export interface OutageOptions {
  mode?: OutageMode;
  /** Limit the outage to some requests; open watches are cut only if they match. */
  match?: RequestMatcher;
}

/** What the server must do instead of serving a request. */
export type FaultAction =
  { kind: 'reset' } | { kind: 'respond'; error: KubeApiError; headers: Record<string, string> };

interface PendingFailure {
  remaining: number;
  spec: FaultSpec;
}

const always: RequestMatcher = () => true;

function respond(spec: FaultSpec): FaultAction {
  if (spec.reset) return { kind: 'reset' };
  const code = spec.status ?? 500;
  const retry = spec.retryAfterSeconds;
  const error = new KubeApiError(
    code,
    spec.reason ?? reasonForCode(code),
    spec.message ?? `injected failure (HTTP ${code})`,
    retry !== undefined ? { retryAfterSeconds: retry } : undefined,
  );
  return { kind: 'respond', error, headers: retry !== undefined ? { 'Retry-After': String(retry) } : {} };
}

/** Fault injection for a `FakeKubeApiServer`: one-shot failures, latency and outages. */
export class FaultInjector {
  private failures: PendingFailure[] = [];
  private latency = { ms: 0, match: always };
  private outageState: { mode: OutageMode; match: RequestMatcher } | undefined;

  /** @param onOutageStart called when an outage starts, to cut open watch streams. */
  constructor(private readonly onOutageStart: (mode: OutageMode, match: RequestMatcher) => void = () => {}) {}

  /** Fails the next `count` (matching) requests with `spec` (default: 500 InternalError). */
  failNext(count: number, spec: FaultSpec = {}): void {
    if (count > 0) this.failures.push({ remaining: count, spec });
  }

  /** Delays every (matching) request by `ms` before it is served; `0` turns latency off. */
  setLatency(ms: number, match: RequestMatcher = always): void {
    this.latency = { ms: Math.max(0, ms), match };
  }

  /** Starts or ends an outage; see `OutageMode` for what clients observe. */
  outage(on: boolean, options: OutageOptions = {}): void {
    if (!on) {
      this.outageState = undefined;
      return;
    }
    this.outageState = { mode: options.mode ?? 'reset', match: options.match ?? always };
    this.onOutageStart(this.outageState.mode, this.outageState.match);
  }

  /** Whether an outage is on. */
  get inOutage(): boolean {
    return this.outageState !== undefined;
  }

  /** Removes all faults and latency. */
  reset(): void {
    this.failures = [];
    this.latency = { ms: 0, match: always };
    this.outageState = undefined;
  }

  /** Delay to apply to `request`, in milliseconds. */
  latencyFor(request: RequestInfo): number {
    return this.latency.ms > 0 && this.latency.match(request) ? this.latency.ms : 0;
  }

  /** The fault to apply to `request`, consuming one pending failure if one matches. */
  decide(request: RequestInfo): FaultAction | undefined {
    const outage = this.outageState;
    if (outage && outage.match(request)) {
      return outage.mode === 'reset'
        ? { kind: 'reset' }
        : respond({ status: 503, message: 'the server is currently unable to handle the request' });
    }
    const failure = this.failures.find((f) => f.remaining > 0 && (f.spec.match ?? always)(request));
    if (!failure) return undefined;
    failure.remaining--;
    this.failures = this.failures.filter((f) => f.remaining > 0);
    return respond(failure.spec);
  }
}
