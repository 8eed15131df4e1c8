import { type AgentStatusField, type AgentView } from './agent-view.types.js';
import { type DisconnectReason } from './transport.types.js';

/** What becomes of an agent's record when its session ends. */
export type SessionEndAction =
  /** Delete it. */
  | 'remove'
  /** Write its final state and keep it. */
  | 'write'
  /** Leave it as it is. */
  | 'keep'
  /** Delete it unless the agent comes back within the stale limit (a dropped WebSocket reconnecting). */
  | 'remove-unless-back';

/**
 * How agents become records: the part of persistence that is a convention. The server's persistence
 * layer (write-behind queue, coalescing, retries, start-up clean-up, the Kubernetes writer) is generic
 * and asks the mapping what to write and when. A plugin hands its mapping over with its `recordMapping`
 * hook; without one, the server keeps an `AgentSnapshot` per agent.
 */
export interface AgentRecordMapping<R extends object = object> {
  /** Shown in logs, e.g. `instrumentation-instance`. */
  readonly name: string;
  /** The record of `agent` now (`now`: ms since the epoch), or undefined when it has none (yet). */
  recordOf(agent: AgentView, now: number): R | undefined;
  /** The record's identity: one write at a time per key, only the latest state per key is written. */
  keyOf(record: R): string;
  /** Records of one group are written one at a time (e.g. one pod's, for a per-pod cap). Default: the key. */
  groupOf?(record: R): string;
  /** The agent (display id) a record is about, for logs. */
  agentOf?(record: R): string | undefined;
  /** Whether a message that changed these status fields rewrites the record. Default: description or health. */
  writesOn?(changed: readonly AgentStatusField[]): boolean;
  /** What becomes of the record when the agent's session ends. */
  atSessionEnd(agent: AgentView, record: R, reason: DisconnectReason): SessionEndAction;
  /** Whether a record left from before start-up stays although its agent did not come back. Default: no. */
  keepsLeftover?(record: R): boolean;
  /** The record's content, to skip writing what was written last. Default: its JSON without `observedAt`. */
  fingerprintOf?(record: R): string;
  /** `next` applied over `stored` (the memory store). Default: fields of `next` that are not undefined win. */
  merge?(stored: R, next: R): R;
  /** How records are written as Kubernetes custom resources, for `PERSISTENCE=kubernetes`. */
  readonly customResource?: CustomResourceMapping<R>;
}

/** A Kubernetes object as the custom-resource writer handles it. */
export interface CustomResourceObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }>;
    [field: string]: unknown;
  };
  spec?: unknown;
  status?: unknown;
}

/**
 * How a record becomes one namespaced custom resource owned by the agent's pod. The server's writer does
 * the rest: our ownership labels, the controller owner reference to the pod, create, the `/status`
 * subresource, conflicts (409) and races (404), the per-pod cap, listing its own objects at start-up.
 */
export interface CustomResourceMapping<R extends object> {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  /** Where the record's object lives. */
  objectRef(record: R): { readonly namespace: string; readonly name: string };
  /** The pod that owns the object (its uid when known; the writer reads the pod otherwise). */
  ownerPod(record: R): { readonly name: string; readonly uid?: string };
  /**
   * A label (`key=value`) shared by the objects of one pod, and the most objects a pod may have: counted
   * before creating. Default: no cap.
   */
  podCap?(record: R): { readonly labelSelector: string; readonly max: number } | undefined;
  /** Labels (besides the writer's own) and spec of a new object. */
  newObject(record: R): { readonly labels: Readonly<Record<string, string>>; readonly spec: unknown };
  /** The status `record` gives an object whose status is `current`. */
  statusOf(current: unknown, record: R): unknown;
  /** Whether two statuses say the same (nothing to write). */
  sameStatus(a: unknown, b: unknown): boolean;
  /** The record an object this server wrote holds, for the start-up clean-up; undefined if unreadable. */
  recordOf(object: CustomResourceObject): R | undefined;
}
