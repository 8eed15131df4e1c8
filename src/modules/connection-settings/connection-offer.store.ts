import { type ConnectionOffer } from './connection-offers.types.js';

/**
 * Where connection offers live. Reads are synchronous (from memory); writes resolve once stored; the
 * listener hears of every change, whoever made it (this server, another one, or an edit of the source).
 */
export interface ConnectionOfferStore {
  /** `memory` or `kubernetes`. */
  readonly kind: string;
  /** Every offer, sorted by name. */
  list(): ConnectionOffer[];
  get(name: string): ConnectionOffer | undefined;
  /** Creates or replaces an offer; resolves to what was stored and whether it is new. */
  put(offer: ConnectionOffer): Promise<{ offer: ConnectionOffer; created: boolean }>;
  /** Deletes an offer; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** Adds a listener, called synchronously after each change; returns the function that removes it. */
  onChange(listener: () => void): () => void;
}

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Keeps offers in this process only: lost on restart. */
export class MemoryConnectionOfferStore implements ConnectionOfferStore {
  readonly kind = 'memory';
  private readonly offers = new Map<string, ConnectionOffer>();
  private readonly listeners = new Set<() => void>();

  list(): ConnectionOffer[] {
    return [...this.offers.values()].sort(byName);
  }

  get(name: string): ConnectionOffer | undefined {
    return this.offers.get(name);
  }

  async put(offer: ConnectionOffer): Promise<{ offer: ConnectionOffer; created: boolean }> {
    const created = !this.offers.has(offer.name);
    this.offers.set(offer.name, offer);
    this.emit();
    return { offer, created };
  }

  async delete(name: string): Promise<boolean> {
    if (!this.offers.delete(name)) return false;
    this.emit();
    return true;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
