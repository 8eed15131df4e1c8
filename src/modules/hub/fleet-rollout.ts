import { type NodeEndpoint } from './node-endpoint.js';

/** A config's rollout as a node's `GET /api/v1/configs` shows it: counts by state, and failed agents. */
export interface NodeRollout {
  readonly agents: number;
  readonly failedAgents: readonly string[];
  readonly [state: string]: unknown;
}

/** A node's `GET /api/v1/configs` answer, the parts the hub reads. */
export interface NodeConfigList {
  readonly items: ReadonlyArray<{ readonly name: string; readonly rollout: NodeRollout }>;
}

/** Agents listed as failed in a summed rollout, as on a node. */
const MAX_FAILED_AGENTS = 20;

/** A rollout with nothing counted. */
export const emptyRollout = (): Record<string, number | string[]> => ({ agents: 0, failedAgents: [] });

/**
 * Every config's rollout summed over the nodes that answered: each count added up (the states a node
 * reports: pending, applying, applied, failed, ...), the failed agents listed first come, at most 20.
 */
export function sumRollouts(
  answers: ReadonlyArray<{ readonly endpoint: NodeEndpoint; readonly value: NodeConfigList }>,
): Map<string, Record<string, number | string[]>> {
  const sums = new Map<string, Record<string, number | string[]>>();
  for (const { value } of answers) {
    for (const { name, rollout } of value.items ?? []) {
      const sum = sums.get(name) ?? emptyRollout();
      for (const [key, count] of Object.entries(rollout)) {
        if (typeof count === 'number') sum[key] = ((sum[key] as number | undefined) ?? 0) + count;
      }
      const failed = sum.failedAgents as string[];
      for (const agent of rollout.failedAgents ?? []) {
        if (failed.length < MAX_FAILED_AGENTS) failed.push(agent);
      }
      sums.set(name, sum);
    }
  }
  return sums;
}
