import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ServerCapabilities, type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import {
  type AgentStatusField,
  type AgentView,
  type OpampPluginHooks,
  type ReplyContext,
} from '../../plugin-api/index.js';
import { OpampPlugin } from '../plugins/index.js';
import { MessagePipeline } from '../session/index.js';
import { PackageRollout } from './package-rollout.service.js';
import { PackageStatusStats } from './package-status.stats.js';
import { PACKAGES_PLUGIN_NAME, PACKAGES_PLUGIN_ORDER } from './packages.constants.js';

/**
 * Offers packages from the catalog: announces OffersPackages, and adds `packages_available` to the reply
 * of every agent that accepts packages while the all-packages hash it reports differs from the one it is
 * offered. A new description may match other selectors: the agent is re-resolved (and pushed to over
 * WebSocket).
 */
@OpampPlugin({ name: PACKAGES_PLUGIN_NAME, order: PACKAGES_PLUGIN_ORDER })
@Injectable()
export class PackagesPlugin implements OpampPluginHooks, OnModuleInit {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly rollout: PackageRollout,
    private readonly statusStats: PackageStatusStats,
  ) {}

  onModuleInit(): void {
    this.pipeline.advertise(ServerCapabilities.ServerCapabilities_OffersPackages);
  }

  onMessage({ agent, reply }: ReplyContext): Partial<ServerToAgent> | undefined {
    if (reply.packagesAvailable) return undefined; // another plugin offered packages already
    const offer = this.rollout.offerToSend(agent);
    if (!offer) return undefined;
    this.rollout.markOffered(agent, offer);
    return { packagesAvailable: offer };
  }

  onStatusChange(agent: AgentView, changed: readonly AgentStatusField[]): Promise<void> | undefined {
    if (changed.includes('packageStatuses')) this.statusStats.observe(agent);
    if (!changed.includes('description')) return undefined;
    this.rollout.invalidate(agent);
    return this.rollout.recheck(agent).then(() => undefined);
  }
}
