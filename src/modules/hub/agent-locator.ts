import { Injectable } from '@nestjs/common';
import { type AgentDetail, agentDetailSchema } from '../admin/index.js';
import { fanOut, type MissingNode, missingNodeOf } from './fan-out.js';
import { HubAgentNotFoundError, HubAgentUnavailableError } from './hub.errors.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeCallError } from './node-call.errors.js';
import { type NodeEndpoint } from './node-endpoint.js';
import { NodeDirectory } from './node-directory.js';

/** Agents whose node is remembered; the oldest are forgotten first. */
const REMEMBERED_AGENTS = 100_000;

/** An agent found on a node: the node server and its `GET /api/v1/agents/{id}` answer. */
export interface LocatedAgent {
  readonly endpoint: NodeEndpoint;
  readonly detail: AgentDetail;
}

/**
 * Finds the node server holding an agent: first the node it was last listed on (the hub remembers the
 * node of every agent it lists), then, when that fails or does not know it, every node in parallel.
 */
@Injectable()
export class AgentLocator {
  private readonly nodeOf = new Map<string, string>();

  constructor(
    private readonly directory: NodeDirectory,
    private readonly client: NodeAdminClient,
    @InjectHubOptions() private readonly options: HubOptions,
  ) {}

  /** Remembers where an agent was listed. */
  remember(id: string, node: string): void {
    this.nodeOf.delete(id);
    this.nodeOf.set(id, node);
    if (this.nodeOf.size > REMEMBERED_AGENTS) this.nodeOf.delete(this.nodeOf.keys().next().value!);
  }

  /**
   * The agent and its node server.
   * @throws HubAgentNotFoundError no node has it; HubAgentUnavailableError it is not on those that answered.
   */
  async locate(id: string, signal?: AbortSignal): Promise<LocatedAgent> {
    const nodes = this.directory.listedNodes();
    const known = nodes.find((endpoint) => endpoint.node === this.nodeOf.get(id));
    const unanswered: MissingNode[] = [];
    if (known) {
      try {
        const found = await this.ask(known, id, signal);
        if (found) return found;
      } catch (error) {
        unanswered.push(missingNodeOf(known.node, error));
      }
    }
    const others = nodes.filter((endpoint) => endpoint !== known);
    const { answers, missing } = await fanOut(others, this.options.maxConcurrentCalls, (endpoint) =>
      this.ask(endpoint, id, signal),
    );
    const found = answers.find((answer) => answer.value !== undefined)?.value;
    if (found) return found;
    this.nodeOf.delete(id);
    unanswered.push(...missing);
    if (unanswered.length > 0) throw new HubAgentUnavailableError(id, unanswered);
    throw new HubAgentNotFoundError(id);
  }

  /** The agent on this node, undefined when the node answers 404. */
  private async ask(
    endpoint: NodeEndpoint,
    id: string,
    signal?: AbortSignal,
  ): Promise<LocatedAgent | undefined> {
    const answer = await this.client.call(
      endpoint,
      agentDetailSchema,
      (api, deadline) => api.GET('/api/v1/agents/{id}', { params: { path: { id } }, signal: deadline }),
      signal,
    );
    if (answer.status === 404) return undefined;
    if (!answer.ok) {
      throw new NodeCallError(endpoint.node, 'error', `HTTP ${answer.status}`, answer.status);
    }
    this.remember(id, endpoint.node);
    return { endpoint, detail: answer.body };
  }
}
