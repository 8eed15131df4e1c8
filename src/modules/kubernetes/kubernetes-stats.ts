import {
  KubernetesConflictError,
  type KubernetesError,
  KubernetesNotFoundError,
  KubernetesUnavailableError,
  type KubernetesUnavailableReason,
} from './kubernetes.errors.js';

/**
 * The Kubernetes API verb of a call
 * (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb);
 * `other` when the operation names none.
 */
export type KubernetesVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'other';

/**
 * How a Kubernetes API call ended: `ok`, or the error taxonomy of `kubernetes.errors.ts`: `not-found` (404),
 * `conflict` (409), `client-error` (any other 4xx but 429), or why the API was unavailable (`timeout`,
 * `unreachable`, `throttled`, `server-error`, `not-configured`).
 */
export type KubernetesCallOutcome =
  'ok' | 'not-found' | 'conflict' | 'client-error' | KubernetesUnavailableReason;

/**
 * Why a `ResourceReflector` opened a new watch: the last one's resourceVersion expired (410 Gone, so it
 * relists first), the server ended it (`closed`, normal every `timeoutSeconds`), or a list or watch failed
 * (`error`).
 */
export type WatchRestartReason = 'expired' | 'closed' | 'error';

/** One counter value of {@link KubernetesStats.requests}. */
export interface KubernetesRequestCount {
  readonly verb: KubernetesVerb;
  readonly outcome: KubernetesCallOutcome;
  readonly count: number;
}

/** One counter value of {@link KubernetesStats.watchRestarts}. */
export interface WatchRestartCount {
  readonly resource: string;
  readonly reason: WatchRestartReason;
  readonly count: number;
}

/** Operation words (the first word of `KubernetesApiCall.operation`) and the verb they stand for. */
const VERBS: Readonly<Record<string, KubernetesVerb>> = {
  get: 'get',
  read: 'get',
  list: 'list',
  watch: 'watch',
  create: 'create',
  update: 'update',
  replace: 'update',
  patch: 'patch',
  delete: 'delete',
};

/** The verb an operation such as `read pod shop/checkout-1` or `GET /version` starts with. */
export function verbOfOperation(operation: string): KubernetesVerb {
  const space = operation.indexOf(' ');
  const word = (space < 0 ? operation : operation.slice(0, space)).toLowerCase();
  return Object.hasOwn(VERBS, word) ? VERBS[word]! : 'other';
}

/** The {@link KubernetesCallOutcome} of a failed call. */
export function outcomeOfError(error: KubernetesError): KubernetesCallOutcome {
  if (error instanceof KubernetesUnavailableError) return error.reason;
  if (error instanceof KubernetesNotFoundError) return 'not-found';
  if (error instanceof KubernetesConflictError) return 'conflict';
  return 'client-error';
}

/**
 * Counts of the Kubernetes access layer, for metrics: API calls by verb and outcome (`callKubernetesApi`
 * and every watch request a `ResourceReflector` opens), and watch restarts by resource and reason. Plain
 * numbers, read when `/metrics` is scraped; this module knows nothing of Prometheus.
 */
export class KubernetesStats {
  private readonly requestCounts = new Map<
    string,
    { verb: KubernetesVerb; outcome: KubernetesCallOutcome; count: number }
  >();
  private readonly restartCounts = new Map<
    string,
    { resource: string; reason: WatchRestartReason; count: number }
  >();

  /** Counts one API call. */
  request(verb: KubernetesVerb, outcome: KubernetesCallOutcome): void {
    const key = `${verb} ${outcome}`;
    const entry = this.requestCounts.get(key);
    if (entry) entry.count++;
    else this.requestCounts.set(key, { verb, outcome, count: 1 });
  }

  /** Counts one watch restart of `resource` (e.g. `pods`). */
  watchRestart(resource: string, reason: WatchRestartReason): void {
    const key = `${resource} ${reason}`;
    const entry = this.restartCounts.get(key);
    if (entry) entry.count++;
    else this.restartCounts.set(key, { resource, reason, count: 1 });
  }

  /** API calls so far, by verb and outcome (only pairs seen at least once). */
  requests(): KubernetesRequestCount[] {
    return [...this.requestCounts.values()].map((entry) => ({ ...entry }));
  }

  /** Watch restarts so far, by resource and reason (only pairs seen at least once). */
  watchRestarts(): WatchRestartCount[] {
    return [...this.restartCounts.values()].map((entry) => ({ ...entry }));
  }
}

/**
 * The process's {@link KubernetesStats}. One per process, like prom-client's `process_*` series: the calls
 * are made by free functions (`callKubernetesApi`) and reflectors that several modules create, and they all
 * count here. Provided under {@link KUBERNETES_STATS} by the KubernetesModule.
 */
export const kubernetesStats = new KubernetesStats();

/**
 * DI token of the {@link KubernetesStats} the metrics read. Looked up across modules, non-strictly: without
 * the KubernetesModule the Kubernetes series are absent.
 */
export const KUBERNETES_STATS = 'OPAMP:KUBERNETES_STATS';
