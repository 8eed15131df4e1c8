/** One environment variable that failed validation. */
export interface InvalidVariable {
  /** The variable's name, e.g. `OPAMP_PORT`. */
  readonly name: string;
  /** What was wrong with the value. */
  readonly problem: string;
  /** What the variable accepts. */
  readonly accepts: string;
}

/** The environment does not describe a valid configuration; start-up stops with this message. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';

  constructor(readonly variables: readonly InvalidVariable[]) {
    super(
      `invalid configuration:\n${variables
        .map((v) => `  ${v.name}: ${v.problem} (accepts ${v.accepts})`)
        .join('\n')}`,
    );
  }
}
