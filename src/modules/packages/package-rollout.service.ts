import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type PackagesAvailable } from '../../generated/opamp/v1/opamp.js';
import { type AgentView } from '../../plugin-api/index.js';
import { agentAttributes } from '../fleet/index.js';
import { OpampAgents } from '../session/index.js';
import { type PackageCatalog } from './package-catalog.interface.js';
import { acceptsPackages } from './package-install-state.js';
import { buildPackagesAvailable } from './package-offer.js';
import { type ResolvedPackage, resolvePackages } from './package-resolver.js';
import { InjectPackageCatalog } from './packages.constants.js';
import { type PackageCatalogChange } from './packages.types.js';

/** What an agent is offered: the resolved packages and the PackagesAvailable built from them. */
export interface PackageOffer {
  readonly resolved: ReadonlyMap<string, ResolvedPackage>;
  readonly available: PackagesAvailable;
}

interface CachedOffer {
  readonly generation: number;
  readonly offer: PackageOffer;
}

/**
 * Resolves which packages each agent is offered and when to offer them: while the
 * `server_provided_all_packages_hash` the agent reports differs from the offered `all_packages_hash`. When
 * the catalog changes, WebSocket agents that need the new offer get it pushed at once; HTTP agents get it
 * in the reply to their next poll.
 */
@Injectable()
export class PackageRollout implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PackageRollout.name);
  private readonly offers = new WeakMap<AgentView, CachedOffer>();
  private readonly lastOffered = new WeakMap<AgentView, Buffer>();
  private generation = 0;
  private offersSent = 0;
  private unsubscribe?: () => void;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @InjectPackageCatalog() private readonly catalog: PackageCatalog,
    private readonly agents: OpampAgents,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.catalog.onChange((change) => {
      this.generation++;
      const rollOut = this.rollOut(change);
      this.running = Promise.all([this.running, rollOut]).then(() => undefined);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** PackagesAvailable sent so far (replies and pushes). */
  get offersSentTotal(): number {
    return this.offersSent;
  }

  /** What the catalog offers the agent now (cached until the catalog or its description changes). */
  offerFor(agent: AgentView): PackageOffer {
    const cached = this.offers.get(agent);
    if (cached?.generation === this.generation) return cached.offer;
    const resolved = resolvePackages(this.catalog.listPackages(), this.catalog.listAssignments(), {
      id: agent.displayId,
      attributes: agentAttributes(agent),
    });
    const offer = { resolved, available: buildPackagesAvailable(resolved) };
    this.offers.set(agent, { generation: this.generation, offer });
    return offer;
  }

  /** Forgets the agent's cached offer (its description, and so its selectors' answers, changed). */
  invalidate(agent: AgentView): void {
    this.offers.delete(agent);
  }

  /**
   * The PackagesAvailable to send the agent now, or undefined: nothing for an agent that does not accept
   * packages or is not identified, nor when it reports the offered all-packages hash. An empty set is
   * offered only to an agent that reports holding an earlier set from this server (so it removes them).
   */
  offerToSend(agent: AgentView): PackagesAvailable | undefined {
    if (!agent.identity || !acceptsPackages(agent)) return undefined;
    const { resolved, available } = this.offerFor(agent);
    const reported = agent.status.packageStatuses?.serverProvidedAllPackagesHash;
    const hasReported = reported !== undefined && reported.length > 0;
    if (hasReported && Buffer.from(reported).equals(available.allPackagesHash)) return undefined;
    if (resolved.size === 0 && !hasReported) return undefined;
    return available;
  }

  /** Records that `offer` goes to the agent (counted; a later push of the same offer is skipped). */
  markOffered(agent: AgentView, offer: PackagesAvailable): void {
    this.offersSent++;
    this.lastOffered.set(agent, offer.allPackagesHash);
  }

  /** Re-resolves one agent; pushes a changed offer to it over an open WebSocket. */
  async recheck(agent: AgentView): Promise<boolean> {
    const offer = this.offerToSend(agent);
    if (!offer || agent.transport !== 'websocket') return false;
    if (this.lastOffered.get(agent)?.equals(offer.allPackagesHash)) return false;
    try {
      const result = await this.agents.push(agent, { packagesAvailable: offer });
      if (result === 'sent') this.markOffered(agent, offer);
      return result === 'sent';
    } catch (error) {
      this.logger.warn(
        { agent: agent.displayId, err: (error as Error).message },
        'could not push the package offer; the agent gets it with its next message',
      );
      return false;
    }
  }

  /** Resolves once the pushes started by catalog changes so far are done (the admin API waits on it). */
  idle(): Promise<void> {
    return this.running;
  }

  private async rollOut(change: PackageCatalogChange): Promise<void> {
    const results = await Promise.allSettled(this.agents.list().map((agent) => this.recheck(agent)));
    const pushed = results.filter((r) => r.status === 'fulfilled' && r.value).length;
    this.logger.log({ packages: change.packages, pushed }, 'package catalog changed; offers re-resolved');
  }
}
