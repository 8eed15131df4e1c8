/** The agent's capabilities do not accept what was about to be sent to it. */
export class AgentCapabilityError extends Error {
  override readonly name = 'AgentCapabilityError';

  constructor(
    readonly agent: string,
    /** The capability the agent lacks, e.g. `AcceptsRestartCommand` or a custom capability name. */
    readonly capability: string,
    message: string,
  ) {
    super(message);
  }
}
