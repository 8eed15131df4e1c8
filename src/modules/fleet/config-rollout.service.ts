import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type AgentRemoteConfig } from '../../generated/opamp/v1/opamp.js';
import { type AgentView } from '../../plugin-api/index.js';
import { AgentEvents, OpampAgents } from '../session/index.js';
import { agentAttributes } from './agent-attributes.js';
import { resolveAssignment } from './assignment-resolver.js';
import { type ConfigStore } from './config-store.interface.js';
import { InjectConfigStore } from './fleet.constants.js';
import { type ConfigAssignment, type ConfigStoreChange, type StoredConfig } from './fleet.types.js';

/** What the config store gives one agent: the deciding assignment and its config, or nothing. */
export interface FleetResolution {
  readonly assignment?: ConfigAssignment;
  readonly config?: StoredConfig;
}

const sameHash = (a: Buffer | undefined, b: Buffer | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.equals(b);

/**
 * Rolls configs out from the {@link ConfigStore}: resolves which config each agent gets (the fleet-config
 * plugin asks it), and when a config, an assignment or an agent's description changes, re-resolves and
 * hands the agents whose config changed to `OpampAgents.refreshRemoteConfig` — so plugins that answer
 * `remoteConfig` before the store still win, a WebSocket agent gets the new config at once and an HTTP
 * agent on its next poll.
 */
@Injectable()
export class ConfigRollout implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ConfigRollout.name);
  private readonly resolutions = new WeakMap<AgentView, FleetResolution>();
  private readonly unsubscribe: Array<() => void> = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    @InjectConfigStore() private readonly store: ConfigStore,
    private readonly agents: OpampAgents,
    private readonly events: AgentEvents,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.store.onChange((change) => {
        const rollOut = this.rollOut(change);
        this.running = Promise.all([this.running, rollOut]).then(() => undefined);
      }),
      this.events.subscribe((event) => {
        if (event.type === 'uid-changed') void this.recheck(event.session);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  /** Resolves an agent's config from the store now, and remembers it as what the agent was given. */
  desiredFor(session: AgentView): AgentRemoteConfig | undefined {
    const resolution = this.resolve(session);
    this.resolutions.set(session, resolution);
    if (!resolution.config) return undefined;
    const { files, hash } = resolution.config;
    return { config: { configMap: { ...files } }, configHash: hash };
  }

  /** What the store gave the agent last, if it was asked. */
  resolutionOf(session: AgentView): FleetResolution | undefined {
    return this.resolutions.get(session);
  }

  /** What the store would give the agent now (without remembering it). */
  resolve(session: AgentView, assignments = this.store.listAssignments()): FleetResolution {
    const assignment = resolveAssignment(assignments, {
      id: session.displayId,
      attributes: agentAttributes(session),
    });
    const config = assignment && this.store.getConfig(assignment.config);
    return config ? { assignment, config } : {};
  }

  /**
   * Re-resolves one identified agent; when its config differs from what it was given, asks the plugins
   * again and offers the result. Returns whether the agent's config changed.
   */
  async recheck(session: AgentView, assignments = this.store.listAssignments()): Promise<boolean> {
    if (!session.identity) return false;
    const next = this.resolve(session, assignments);
    const previous = this.resolutions.get(session);
    this.resolutions.set(session, next);
    if (sameHash(previous?.config?.hash, next.config?.hash)) return false;
    this.logger.debug(
      {
        agent: session.displayId,
        config: next.config?.name ?? null,
        assignment: next.assignment?.name ?? null,
      },
      'remote config of the agent changed',
    );
    try {
      await this.agents.refreshRemoteConfig(session);
    } catch (error) {
      this.logger.warn(
        { agent: session.displayId, config: next.config?.name, err: (error as Error).message },
        'could not push the new remote config; the agent gets it with its next message',
      );
    }
    return true;
  }

  /**
   * Resolves once the rollouts started by store changes so far have resolved every agent and pushed to
   * the WebSocket agents (the admin API answers after this, so what it shows is already rolled out).
   */
  idle(): Promise<void> {
    return this.running;
  }

  /** Re-resolves every agent after a store change. */
  async rollOut(change: ConfigStoreChange): Promise<void> {
    const sessions = this.agents.list();
    const assignments = this.store.listAssignments();
    const results = await Promise.allSettled(sessions.map((session) => this.recheck(session, assignments)));
    const agents = results.filter((r) => r.status === 'fulfilled' && r.value).length;
    this.logger.log({ configs: change.configs, agents }, 'config store changed; remote configs re-resolved');
  }
}
