/** Options of the {@link CommandsModule}. */
export interface CommandsOptions {
  /** Custom capabilities the server announces (`CUSTOM_CAPABILITIES`). Default none. */
  readonly customCapabilities: readonly string[];
}

/** DI token of the {@link CommandsOptions}, mapped from the settings by the module. */
export const COMMANDS_OPTIONS = 'OPAMP:COMMANDS_OPTIONS';
