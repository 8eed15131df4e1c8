/** No agent with that id has a session on this server (or it lacks what was asked for). */
export class AgentNotFoundError extends Error {
  override readonly name = 'AgentNotFoundError';

  constructor(
    readonly agent: string,
    message = `no agent "${agent}" is connected to this server; list agents with GET /api/v1/agents`,
  ) {
    super(message);
  }
}
