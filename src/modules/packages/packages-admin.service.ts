import { Injectable } from '@nestjs/common';
import { type AssignmentTarget } from '../fleet/index.js';
import { AgentRegistry } from '../session/index.js';
import { type PackageCatalog } from './package-catalog.interface.js';
import { PackageFiles } from './package-files.service.js';
import { installStateOf, PACKAGE_INSTALL_STATES, type PackageInstallState } from './package-install-state.js';
import { PackageRollout } from './package-rollout.service.js';
import { InjectPackageCatalog, MAX_LISTED_FAILED_AGENTS } from './packages.constants.js';
import { PackageAssignmentNotFoundError, PackageNotFoundError } from './packages.errors.js';
import { type CatalogPackage, type PackageAssignment, type PackageSpec } from './packages.types.js';

/** How a package's rollout goes over the connected agents it is offered to. */
export interface PackageRolloutSummary {
  readonly agents: number;
  readonly states: Readonly<Record<PackageInstallState, number>>;
  /** Display ids of agents that reported a failure, at most 20, with their error messages. */
  readonly failedAgents: ReadonlyArray<{ readonly agent: string; readonly errorMessage: string }>;
}

/** The catalog's packages and assignments as the admin API manages them, and their rollout. */
@Injectable()
export class PackagesAdmin {
  constructor(
    @InjectPackageCatalog() private readonly catalog: PackageCatalog,
    private readonly rollout: PackageRollout,
    private readonly registry: AgentRegistry,
    private readonly files: PackageFiles,
  ) {}

  /** `memory`, ... */
  get catalogKind(): string {
    return this.catalog.kind;
  }

  listPackages(): CatalogPackage[] {
    return this.catalog.listPackages();
  }

  /** @throws PackageNotFoundError */
  getPackage(name: string): CatalogPackage {
    const found = this.catalog.getPackage(name);
    if (!found) throw new PackageNotFoundError(name);
    return found;
  }

  /** Creates or replaces a package; resolves once WebSocket agents were offered the change. */
  async putPackage(name: string, spec: PackageSpec): Promise<{ package: CatalogPackage; created: boolean }> {
    const previous = this.catalog.getPackage(name);
    const result = await this.catalog.putPackage(name, spec);
    await this.rollout.idle();
    if (previous) await this.files.prune([previous.contentHash]);
    return result;
  }

  /** @throws PackageNotFoundError */
  async deletePackage(name: string): Promise<void> {
    const previous = this.catalog.getPackage(name);
    if (!(await this.catalog.deletePackage(name))) throw new PackageNotFoundError(name);
    await this.rollout.idle();
    if (previous) await this.files.prune([previous.contentHash]);
  }

  /** @throws PackageNotFoundError */
  listAssignments(name: string): PackageAssignment[] {
    this.getPackage(name);
    return this.catalog.listAssignments(name);
  }

  /** @throws PackageNotFoundError */
  async putAssignment(
    name: string,
    assignmentName: string,
    target: AssignmentTarget,
  ): Promise<{ assignment: PackageAssignment; created: boolean }> {
    this.getPackage(name);
    const assignment: PackageAssignment = { package: name, name: assignmentName, ...target };
    const { created } = await this.catalog.putAssignment(assignment);
    await this.rollout.idle();
    return { assignment, created };
  }

  /** @throws PackageNotFoundError, PackageAssignmentNotFoundError */
  async deleteAssignment(name: string, assignmentName: string): Promise<void> {
    this.getPackage(name);
    if (!(await this.catalog.deleteAssignment(name, assignmentName)))
      throw new PackageAssignmentNotFoundError(name, assignmentName);
    await this.rollout.idle();
  }

  /** The rollout of one package over the agents connected now that are offered it. */
  rolloutOf(name: string): PackageRolloutSummary {
    const states = Object.fromEntries(PACKAGE_INSTALL_STATES.map((s) => [s, 0])) as Record<
      PackageInstallState,
      number
    >;
    const failedAgents: Array<{ agent: string; errorMessage: string }> = [];
    let agents = 0;
    for (const agent of this.registry.list()) {
      if (!agent.identity) continue;
      const resolved = this.rollout.offerFor(agent).resolved;
      const offered = [...resolved.values()].find((r) => r.package.name === name);
      if (!offered) continue;
      const state = installStateOf(agent, offered.package);
      agents++;
      states[state]++;
      if (state === 'failed' && failedAgents.length < MAX_LISTED_FAILED_AGENTS) {
        const reported = agent.status.packageStatuses?.packages[offered.package.offeredAs];
        failedAgents.push({ agent: agent.displayId, errorMessage: reported?.errorMessage ?? '' });
      }
    }
    return { agents, states, failedAgents };
  }
}
