import { Injectable } from '@nestjs/common';
import { AgentRegistry, type AgentSession } from '../session/index.js';
import { ConfigRollout, type FleetResolution } from './config-rollout.service.js';
import { type ConfigStore } from './config-store.interface.js';
import { InjectConfigStore } from './fleet.constants.js';
import { AssignmentNotFoundError, ConfigNotFoundError } from './fleet.errors.js';
import {
  type AssignmentTarget,
  type ConfigAssignment,
  type ConfigFile,
  type StoredConfig,
} from './fleet.types.js';
import { ROLLOUT_STATES, rolloutStateOf, type RolloutState } from './rollout-state.js';

/** Where the config an agent should run comes from. */
export interface AgentConfigSource {
  /** `fleet`: the config store; `plugin`: another plugin's `remoteConfig` answer; `none`: no config. */
  readonly source: 'fleet' | 'plugin' | 'none';
  /** The deciding assignment, when the config comes from the store. */
  readonly assignment?: ConfigAssignment;
  readonly state: RolloutState;
}

/** The states an agent given a config can be in (all but `none`). */
export type AssignedRolloutState = Exclude<RolloutState, 'none'>;

/** How a config's rollout is going: the agents it decides, counted and listed by state. */
export interface RolloutSummary {
  readonly agents: number;
  readonly states: Readonly<Record<AssignedRolloutState, number>>;
  /** Display ids of agents that reported a failure, at most 20. */
  readonly failedAgents: readonly string[];
}

/** Name of the assignment `PUT /api/v1/agents/{id}/config` creates: `agent-<id>` in assignment-name characters. */
export const agentAssignmentName = (agentId: string): string =>
  `agent-${agentId.replace(/[^\x21-\x2e\x30-\x7e]/g, '_')}`.slice(0, 253);

/** The fleet's configs and assignments as the admin API manages them, and how their rollout goes. */
@Injectable()
export class FleetConfigs {
  constructor(
    @InjectConfigStore() private readonly store: ConfigStore,
    private readonly rollout: ConfigRollout,
    private readonly registry: AgentRegistry,
  ) {}

  /** `memory`, `kubernetes`, ... */
  get storeKind(): string {
    return this.store.kind;
  }

  listConfigs(): StoredConfig[] {
    return this.store.listConfigs();
  }

  /** @throws ConfigNotFoundError */
  getConfig(name: string): StoredConfig {
    const config = this.store.getConfig(name);
    if (!config) throw new ConfigNotFoundError(name);
    return config;
  }

  /** Creates or replaces a config; resolves once the agents it decides have been given the new files. */
  async putConfig(
    name: string,
    files: Readonly<Record<string, ConfigFile>>,
  ): Promise<{ config: StoredConfig; created: boolean }> {
    const result = await this.store.putConfig(name, files);
    await this.rollout.idle();
    return result;
  }

  /** @throws ConfigNotFoundError */
  async deleteConfig(name: string): Promise<void> {
    if (!(await this.store.deleteConfig(name))) throw new ConfigNotFoundError(name);
    await this.rollout.idle();
  }

  /** @throws ConfigNotFoundError */
  listAssignments(config: string): ConfigAssignment[] {
    this.getConfig(config);
    return this.store.listAssignments(config);
  }

  /** @throws ConfigNotFoundError, AssignmentNotFoundError */
  getAssignment(config: string, name: string): ConfigAssignment {
    const found = this.listAssignments(config).find((a) => a.name === name);
    if (!found) throw new AssignmentNotFoundError(config, name);
    return found;
  }

  /** @throws ConfigNotFoundError */
  async putAssignment(
    config: string,
    name: string,
    target: AssignmentTarget,
  ): Promise<{ assignment: ConfigAssignment; created: boolean }> {
    this.getConfig(config);
    const assignment: ConfigAssignment = { config, name, ...target };
    const { created } = await this.store.putAssignment(assignment);
    await this.rollout.idle();
    return { assignment, created };
  }

  /** @throws ConfigNotFoundError, AssignmentNotFoundError */
  async deleteAssignment(config: string, name: string): Promise<void> {
    this.getConfig(config);
    if (!(await this.store.deleteAssignment(config, name))) throw new AssignmentNotFoundError(config, name);
    await this.rollout.idle();
  }

  /**
   * Gives one agent a config: an assignment `agent-<id>` in that config, after removing the agent's
   * assignments in other configs (an agent has at most one direct assignment).
   * @throws ConfigNotFoundError
   */
  async assignToAgent(agentId: string, config: string): Promise<ConfigAssignment> {
    this.getConfig(config);
    for (const other of this.directAssignments(agentId)) {
      if (other.config !== config) await this.store.deleteAssignment(other.config, other.name);
    }
    const { assignment } = await this.putAssignment(config, agentAssignmentName(agentId), { agent: agentId });
    return assignment;
  }

  /** Removes an agent's direct assignments; false when it had none. */
  async unassignAgent(agentId: string): Promise<boolean> {
    const direct = this.directAssignments(agentId);
    for (const assignment of direct) await this.store.deleteAssignment(assignment.config, assignment.name);
    await this.rollout.idle();
    return direct.length > 0;
  }

  /** Where an agent's config comes from and how far it got. */
  sourceOf(session: AgentSession): AgentConfigSource {
    const state = rolloutStateOf(session);
    const desired = session.remoteConfig;
    if (!desired) return { source: 'none', state };
    const resolution: FleetResolution | undefined = this.rollout.resolutionOf(session);
    if (resolution?.config && resolution.config.hash.equals(desired.configHash)) {
      return { source: 'fleet', assignment: resolution.assignment, state };
    }
    return { source: 'plugin', state };
  }

  /** The rollout of one config over the agents connected now. */
  rolloutOf(config: string): RolloutSummary {
    const states = Object.fromEntries(
      ROLLOUT_STATES.filter((s) => s !== 'none').map((s) => [s, 0]),
    ) as Record<AssignedRolloutState, number>;
    const failedAgents: string[] = [];
    let agents = 0;
    for (const session of this.registry.list()) {
      const source = this.sourceOf(session);
      if (source.source !== 'fleet' || source.assignment?.config !== config) continue;
      if (source.state === 'none') continue;
      agents++;
      states[source.state]++;
      if (source.state === 'failed' && failedAgents.length < 20) failedAgents.push(session.displayId);
    }
    return { agents, states, failedAgents };
  }

  private directAssignments(agentId: string): ConfigAssignment[] {
    return this.store.listAssignments().filter((a) => 'agent' in a && a.agent === agentId);
  }
}
