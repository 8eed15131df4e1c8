import { type z } from 'zod';
import { type configListSchema, type configRolloutSchema } from '../admin/index.js';
import { type NodeEndpoint } from './node-endpoint.js';

/** A config's rollout (`ConfigRollout`): counts by state, and failed agents. */
export type ConfigRollout = z.output<typeof configRolloutSchema>;

/** A node's `GET /api/v1/configs` answer. */
export type NodeConfigList = z.output<typeof configListSchema>;

/** Agents listed as failed in a summed rollout, as on a node. */
const MAX_FAILED_AGENTS = 20;

const COUNTS = ['agents', 'unsupported', 'pending', 'applying', 'applied', 'failed'] as const;

/** A rollout with nothing counted. */
export const emptyRollout = (): ConfigRollout => ({
  agents: 0,
  unsupported: 0,
  pending: 0,
  applying: 0,
  applied: 0,
  failed: 0,
  failedAgents: [],
});

/**
 * Every config's rollout summed over the nodes that answered: each count added up, the failed agents listed
 * first come, at most 20 (as a node lists them).
 */
export function sumRollouts(
  answers: ReadonlyArray<{ readonly endpoint: NodeEndpoint; readonly value: NodeConfigList }>,
): Map<string, ConfigRollout> {
  const sums = new Map<string, ConfigRollout>();
  for (const { value } of answers) {
    for (const { name, rollout } of value.items) sums.set(name, addRollout(sums.get(name), rollout));
  }
  return sums;
}

/** Two rollouts added up. */
export function addRollout(sum: ConfigRollout | undefined, rollout: ConfigRollout): ConfigRollout {
  const total = sum ?? emptyRollout();
  const added = { ...total, failedAgents: [...total.failedAgents] };
  for (const count of COUNTS) added[count] = total[count] + rollout[count];
  for (const agent of rollout.failedAgents) {
    if (added.failedAgents.length < MAX_FAILED_AGENTS) added.failedAgents.push(agent);
  }
  return added;
}
