import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Clock, InjectClock } from '../../common/clock.js';
import { type AgentView } from '../../plugin-api/index.js';
import { agentAttributes, matchesSelector, type AssignmentTarget } from '../fleet/index.js';
import { type ConnectionOfferStore } from './connection-offer.store.js';
import { CONNECTION_OFFER_STORE } from './connection-settings.options.js';
import { type EndpointSettings } from './connection-settings.offer.js';
import { type ConnectionOffer, type PutConnectionOfferBody } from './connection-offers.types.js';

/** What the operator's offers give one agent. */
export interface ResolvedOffers {
  /** The OpAMP endpoint of the most specific offer that has one, and that offer's name. */
  readonly opamp?: EndpointSettings & { readonly from: string };
  /** Each named connection from the most specific offer that names it. */
  readonly otherConnections: Readonly<Record<string, EndpointSettings>>;
}

const specificity = (target: AssignmentTarget): number =>
  'agent' in target ? Number.MAX_SAFE_INTEGER : Object.keys(target.selector).length;

/**
 * The operator's connection offers (`/api/v1/connection-offers`), kept in the {@link ConnectionOfferStore}
 * (memory, or labelled ConfigMaps shared by every server). Like config assignments,
 * the most specific offer wins: per agent, then the selector with the most terms, ties to the lowest name;
 * `opamp` and each named other connection are decided separately, so a per-agent offer of new headers can
 * sit on top of a fleet-wide offer of other connections. Listeners hear every change, whoever made it.
 */
@Injectable()
export class ConnectionOffers implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ConnectionOffers.name);
  private readonly listeners = new Set<() => Promise<void>>();
  private running: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;

  constructor(
    @InjectClock() private readonly clock: Clock,
    @Inject(CONNECTION_OFFER_STORE) private readonly store: ConnectionOfferStore,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.store.onChange(() => {
      const run = this.changed().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'connection offers changed; re-offering failed'),
      );
      this.running = Promise.all([this.running, run]).then(() => undefined);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** `memory` or `kubernetes`. */
  get storeKind(): string {
    return this.store.kind;
  }

  list(): ConnectionOffer[] {
    return this.store.list();
  }

  get(name: string): ConnectionOffer | undefined {
    return this.store.get(name);
  }

  /** Creates or replaces an offer; resolves once the listeners (pushes to WebSocket agents) are done. */
  async put(
    name: string,
    body: PutConnectionOfferBody,
  ): Promise<{ offer: ConnectionOffer; created: boolean }> {
    const offer: ConnectionOffer = {
      name,
      target: body.target,
      ...(body.opamp ? { opamp: body.opamp } : {}),
      ...(body.otherConnections ? { otherConnections: body.otherConnections } : {}),
      updatedAt: new Date(this.clock.now()).toISOString(),
    };
    const stored = await this.store.put(offer);
    await this.running;
    return stored;
  }

  /** Deletes an offer; false when there was none. */
  async delete(name: string): Promise<boolean> {
    if (!(await this.store.delete(name))) return false;
    await this.running;
    return true;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The offers that apply to `agent`, most specific first. */
  applying(agent: AgentView): ConnectionOffer[] {
    const offers = this.list();
    if (offers.length === 0) return [];
    const attributes = agentAttributes(agent);
    return offers
      .filter(({ target }) =>
        'agent' in target ? target.agent === agent.displayId : matchesSelector(target.selector, attributes),
      )
      .sort((a, b) => specificity(b.target) - specificity(a.target));
  }

  /** What the offers give `agent` (see the class comment for who wins). */
  resolve(agent: AgentView): ResolvedOffers {
    let opamp: ResolvedOffers['opamp'];
    const otherConnections: Record<string, EndpointSettings> = {};
    for (const offer of this.applying(agent)) {
      if (!opamp && offer.opamp) opamp = { ...offer.opamp, from: offer.name };
      for (const [name, settings] of Object.entries(offer.otherConnections ?? {})) {
        if (!(name in otherConnections)) otherConnections[name] = settings;
      }
    }
    return { ...(opamp ? { opamp } : {}), otherConnections };
  }

  private async changed(): Promise<void> {
    await Promise.all([...this.listeners].map((listener) => listener()));
  }
}
