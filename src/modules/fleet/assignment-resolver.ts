import { type AgentAttributes, matchesSelector } from './agent-attributes.js';
import { type ConfigAssignment } from './fleet.types.js';

/** The agent an assignment is resolved for. */
export interface AssignmentCandidate {
  /** Display id, matched by per-agent assignments. */
  readonly id: string;
  readonly attributes: AgentAttributes;
}

/**
 * How specific an assignment is: a per-agent one beats every selector; a selector with more terms beats
 * one with fewer (`{}` matches everyone and is the least specific).
 */
export function specificity(assignment: ConfigAssignment): number {
  return 'agent' in assignment ? Number.MAX_SAFE_INTEGER : Object.keys(assignment.selector).length;
}

/** Whether an assignment applies to the agent. */
export function assignmentApplies(assignment: ConfigAssignment, agent: AssignmentCandidate): boolean {
  return 'agent' in assignment
    ? assignment.agent === agent.id
    : matchesSelector(assignment.selector, agent.attributes);
}

/** Orders assignments most specific first; ties by assignment name, then config name. */
export function compareAssignments(a: ConfigAssignment, b: ConfigAssignment): number {
  const bySpecificity = specificity(b) - specificity(a);
  if (bySpecificity !== 0) return bySpecificity;
  const key = (x: ConfigAssignment): [string, string] => [x.name, x.config];
  const [an, ac] = key(a);
  const [bn, bc] = key(b);
  if (an !== bn) return an < bn ? -1 : 1;
  return ac < bc ? -1 : ac > bc ? 1 : 0;
}

/**
 * The assignment that decides an agent's config: of those that apply, the most specific (per agent, then
 * more selector terms); ties go to the lowest assignment name, then config name. Undefined when none applies.
 */
export function resolveAssignment(
  assignments: readonly ConfigAssignment[],
  agent: AssignmentCandidate,
): ConfigAssignment | undefined {
  let best: ConfigAssignment | undefined;
  for (const assignment of assignments) {
    if (!assignmentApplies(assignment, agent)) continue;
    if (!best || compareAssignments(assignment, best) < 0) best = assignment;
  }
  return best;
}
