import { type V1ConfigMap } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import { readJsonAnnotation } from '../fleet/index.js';
import {
  type ConfigMapWriteFailure,
  type DecodedObject,
  lastWritten,
  LabelledConfigMapStore,
  type LabelledConfigMapStoreOptions,
} from '../kubernetes/index.js';
import { type ConnectionOfferStore } from './connection-offer.store.js';
import { type ConnectionOffer, putConnectionOfferBodySchema } from './connection-offers.types.js';
import { ConnectionOfferStoreError } from './connection-settings.errors.js';

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** The `data` keys of an offer ConfigMap, each holding JSON. */
const KEYS = ['target', 'opamp', 'otherConnections'] as const;

/**
 * Connection offers as ConfigMaps labelled `CONNECTION_OFFER_LABEL_SELECTOR` in one namespace: `data` holds
 * the admin API's body, one JSON value per key (`target`, `opamp`, `otherConnections`). Watched, so every
 * server offers what any of them stored, and offers survive restarts. Headers (bearer tokens) are then as
 * readable as ConfigMaps in that namespace are.
 */
export class KubernetesConnectionOfferStore
  extends LabelledConfigMapStore<ConnectionOffer>
  implements ConnectionOfferStore
{
  readonly kind = 'kubernetes';
  protected readonly logger = new Logger(KubernetesConnectionOfferStore.name);
  private readonly listeners = new Set<() => void>();

  constructor(options: LabelledConfigMapStoreOptions) {
    super(options, 'connection offer');
  }

  list(): ConnectionOffer[] {
    return this.values()
      .map(({ value }) => value)
      .sort(byName);
  }

  get(name: string): ConnectionOffer | undefined {
    return this.heldObject(name)?.value;
  }

  async put(offer: ConnectionOffer): Promise<{ offer: ConnectionOffer; created: boolean }> {
    const created = await this.write(offer.name, true, (current) => {
      const data: Record<string, string> = { target: JSON.stringify(offer.target) };
      if (offer.opamp) data.opamp = JSON.stringify(offer.opamp);
      if (offer.otherConnections) data.otherConnections = JSON.stringify(offer.otherConnections);
      const target = this.target(offer.name);
      const base = current?.configMap;
      return {
        ...base,
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          ...base?.metadata,
          name: target.name,
          namespace: target.namespace,
          labels: { ...base?.metadata?.labels, ...target.labels },
        },
        data,
        binaryData: {},
      };
    });
    return { offer: this.get(offer.name) ?? offer, created };
  }

  delete(name: string): Promise<boolean> {
    return this.remove(name);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected decode(configMap: V1ConfigMap): DecodedObject<ConnectionOffer> {
    const data = configMap.data ?? {};
    const body = Object.fromEntries(
      KEYS.filter((key) => data[key] !== undefined).map((key) => [key, readJsonAnnotation(data[key])]),
    );
    const parsed = putConnectionOfferBodySchema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`);
      return { value: undefined, problems };
    }
    const { target, opamp, otherConnections } = parsed.data;
    const value: ConnectionOffer = {
      name: configMap.metadata?.name ?? '',
      target,
      ...(opamp ? { opamp } : {}),
      ...(otherConnections ? { otherConnections } : {}),
      updatedAt: lastWritten(configMap),
    };
    return { value, problems: [] };
  }

  protected fingerprint(offer: ConnectionOffer): string {
    return JSON.stringify([offer.target, offer.opamp, offer.otherConnections]);
  }

  protected changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'connection offer listener failed');
      }
    }
  }

  protected writeError(name: string, failure: ConfigMapWriteFailure): Error {
    if (failure.kind === 'missing')
      return new ConnectionOfferStoreError(`no connection offer named "${name}"`);
    return new ConnectionOfferStoreError(failure.message, {
      cause: failure.kind === 'unavailable' ? failure.cause : undefined,
      unavailable: failure.kind === 'unavailable',
    });
  }
}
