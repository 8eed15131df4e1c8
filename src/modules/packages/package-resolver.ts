import { type AssignmentCandidate, type ConfigAssignment, resolveAssignment } from '../fleet/index.js';
import { type CatalogPackage, type PackageAssignment } from './packages.types.js';

/** The package an agent is offered under one name, and the assignment that decided it. */
export interface ResolvedPackage {
  readonly package: CatalogPackage;
  readonly assignment: PackageAssignment;
}

/** A package assignment in the fleet's shape, so the fleet's resolver (and its tie-breaks) decide. */
const asConfigAssignment = (assignment: PackageAssignment): ConfigAssignment => {
  const { package: config, ...rest } = assignment;
  return { ...rest, config };
};

/**
 * Which packages an agent is offered, by offered name. Packages offered under the same name (versions of
 * one package) compete: of the assignments that apply to the agent, the most specific wins, exactly as for
 * configs — per agent beats every selector, more selector terms beat fewer, ties go to the lowest
 * assignment name, then package name.
 */
export function resolvePackages(
  packages: readonly CatalogPackage[],
  assignments: readonly PackageAssignment[],
  agent: AssignmentCandidate,
): Map<string, ResolvedPackage> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const groups = new Map<string, ConfigAssignment[]>();
  const original = new Map<ConfigAssignment, PackageAssignment>();
  for (const assignment of assignments) {
    const target = byName.get(assignment.package);
    if (!target) continue;
    const converted = asConfigAssignment(assignment);
    original.set(converted, assignment);
    const group = groups.get(target.offeredAs);
    if (group) group.push(converted);
    else groups.set(target.offeredAs, [converted]);
  }
  const resolved = new Map<string, ResolvedPackage>();
  for (const [offeredAs, group] of groups) {
    const best = resolveAssignment(group, agent);
    const assignment = best && original.get(best);
    const chosen = best && byName.get(best.config);
    if (assignment && chosen) resolved.set(offeredAs, { package: chosen, assignment });
  }
  return resolved;
}
