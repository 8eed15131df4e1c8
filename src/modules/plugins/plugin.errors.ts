/** A plugin hook did not settle within `PLUGIN_TIMEOUT_MS`. */
export class PluginTimeoutError extends Error {
  override readonly name = 'PluginTimeoutError';

  constructor(
    readonly plugin: string,
    readonly hook: string,
    readonly timeoutMs: number,
  ) {
    super(`plugin "${plugin}" hook ${hook} took longer than ${timeoutMs} ms (PLUGIN_TIMEOUT_MS); skipped`);
  }
}

/** Two plugins were registered under one name. */
export class DuplicatePluginError extends Error {
  override readonly name = 'DuplicatePluginError';

  constructor(readonly plugin: string) {
    super(`two OpAMP plugins are named "${plugin}"; give each @OpampPlugin a unique name`);
  }
}
