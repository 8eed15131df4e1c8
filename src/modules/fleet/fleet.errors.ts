/** Base of the fleet module's errors; the admin API maps each to an HTTP status. */
export class FleetError extends Error {
  override readonly name: string = 'FleetError';
}

/** No config of that name. */
export class ConfigNotFoundError extends FleetError {
  override readonly name = 'ConfigNotFoundError';

  constructor(readonly config: string) {
    super(`no config named "${config}"; create it first with PUT /api/v1/configs/${config}`);
  }
}

/** No assignment of that name in that config. */
export class AssignmentNotFoundError extends FleetError {
  override readonly name = 'AssignmentNotFoundError';

  constructor(
    readonly config: string,
    readonly assignment: string,
  ) {
    super(`config "${config}" has no assignment named "${assignment}"`);
  }
}

/** The store cannot hold what was asked (a name or file its backend does not allow, a bad selector). */
export class ConfigStoreRejectedError extends FleetError {
  override readonly name = 'ConfigStoreRejectedError';
}

/** The store's backend did not answer or failed; the write may be retried. */
export class ConfigStoreUnavailableError extends FleetError {
  override readonly name = 'ConfigStoreUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
