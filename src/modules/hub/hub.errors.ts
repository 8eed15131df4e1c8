import { type MissingNode } from './fan-out.js';

/** No node server that answered holds the agent, and none failed to answer: it is not connected anywhere. */
export class HubAgentNotFoundError extends Error {
  override readonly name = 'HubAgentNotFoundError';

  constructor(readonly agent: string) {
    super(`no node server has an agent "${agent}"; list agents with GET /api/v1/agents`);
  }
}

/** The agent was not found on the nodes that answered, and some did not: it may be on one of those. */
export class HubAgentUnavailableError extends Error {
  override readonly name = 'HubAgentUnavailableError';

  constructor(
    readonly agent: string,
    readonly missingNodes: readonly MissingNode[],
  ) {
    super(
      `agent "${agent}" is not on the node servers that answered; ${missingNodes.length} did not answer ` +
        `(${missingNodes.map((m) => m.node).join(', ')}): try again`,
    );
  }
}

/** The hub has not listed the node servers yet (EndpointSlices), or cannot. */
export class NodesNotListedError extends Error {
  override readonly name = 'NodesNotListedError';

  constructor(service: string) {
    super(
      `the node servers (EndpointSlices of Service ${service}) have not been listed yet; check the hub's ` +
        'RBAC (list and watch endpointslices.discovery.k8s.io) and its log, then try again',
    );
  }
}
