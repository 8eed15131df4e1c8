/**
 * The connection-offer store could not write: refused by its backing store (`unavailable` false: the
 * admin API answers 422) or could not reach it (`unavailable` true: 503, try again).
 */
export class ConnectionOfferStoreError extends Error {
  override readonly name = 'ConnectionOfferStoreError';
  readonly unavailable: boolean;

  constructor(message: string, options: { cause?: Error; unavailable?: boolean } = {}) {
    super(message, options.cause ? { cause: options.cause } : undefined);
    this.unavailable = options.unavailable ?? false;
  }
}
