import { Injectable } from '@nestjs/common';
import { type Clock, InjectClock } from '../../common/clock.js';
import { type AgentView } from '../../plugin-api/index.js';
import { agentAttributes, matchesSelector, type AssignmentTarget } from '../fleet/index.js';
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
 * The operator's connection offers (`/api/v1/connection-offers`), kept in memory. Like config assignments,
 * the most specific offer wins: per agent, then the selector with the most terms, ties to the lowest name;
 * `opamp` and each named other connection are decided separately, so a per-agent offer of new headers can
 * sit on top of a fleet-wide offer of other connections. Listeners hear every change.
 */
@Injectable()
export class ConnectionOffers {
  private readonly offers = new Map<string, ConnectionOffer>();
  private readonly listeners = new Set<() => Promise<void>>();

  constructor(@InjectClock() private readonly clock: Clock) {}

  list(): ConnectionOffer[] {
    return [...this.offers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): ConnectionOffer | undefined {
    return this.offers.get(name);
  }

  /** Creates or replaces an offer; resolves once the listeners (pushes to WebSocket agents) are done. */
  async put(
    name: string,
    body: PutConnectionOfferBody,
  ): Promise<{ offer: ConnectionOffer; created: boolean }> {
    const created = !this.offers.has(name);
    const offer: ConnectionOffer = {
      name,
      target: body.target,
      ...(body.opamp ? { opamp: body.opamp } : {}),
      ...(body.otherConnections ? { otherConnections: body.otherConnections } : {}),
      updatedAt: new Date(this.clock.now()).toISOString(),
    };
    this.offers.set(name, offer);
    await this.changed();
    return { offer, created };
  }

  /** Deletes an offer; false when there was none. */
  async delete(name: string): Promise<boolean> {
    if (!this.offers.delete(name)) return false;
    await this.changed();
    return true;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The offers that apply to `agent`, most specific first. */
  applying(agent: AgentView): ConnectionOffer[] {
    if (this.offers.size === 0) return [];
    const attributes = agentAttributes(agent);
    return this.list()
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
