import { Injectable } from '@nestjs/common';
import { type AgentRemoteConfig } from '../../generated/opamp/v1/opamp.js';
import { type AgentStatusField, type AgentView, type OpampPluginHooks } from '../../plugin-api/index.js';
import { OpampPlugin } from '../plugins/index.js';
import { ConfigRollout } from './config-rollout.service.js';
import { FLEET_CONFIG_PLUGIN_NAME, FLEET_CONFIG_PLUGIN_ORDER } from './fleet.constants.js';

/**
 * Answers `remoteConfig` from the config store (the admin API's configs and assignments), after every
 * other plugin: an agent that another plugin configures keeps that config.
 */
@OpampPlugin({ name: FLEET_CONFIG_PLUGIN_NAME, order: FLEET_CONFIG_PLUGIN_ORDER })
@Injectable()
export class FleetConfigPlugin implements OpampPluginHooks {
  constructor(private readonly rollout: ConfigRollout) {}

  remoteConfig(agent: AgentView): AgentRemoteConfig | undefined {
    return this.rollout.desiredFor(agent);
  }

  /** Selectors match the description: a new description may select another config. */
  onStatusChange(agent: AgentView, changed: readonly AgentStatusField[]): Promise<void> | undefined {
    if (!changed.includes('description')) return undefined;
    return this.rollout.recheck(agent).then(() => undefined);
  }
}
