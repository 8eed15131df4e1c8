import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AdminTokenGuard,
  type FleetSummary,
  fleetSummarySchema,
  type NodeServerList,
  nodeServerListSchema,
  schemaRef,
  ServerIdentity,
  type ServerInfo,
  serverInfoSchema,
} from '../admin/index.js';
import { type ConfigStore, InjectConfigStore } from '../fleet/index.js';
import { fanOut, partialMarks } from './fan-out.js';
import { HubErrorsFilter } from './hub-errors.filter.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeContacts } from './node-contacts.js';
import { NodeDirectory } from './node-directory.js';
import { nodeServerInfo, nodeStatusOf } from './node-status.js';

/**
 * `/api/v1/nodes`, `/api/v1/summary` and `/api/v1/server` of the hub: the node servers, the fleet's counts
 * over them, and the hub itself.
 */
@ApiTags('nodes')
@ApiBearerAuth()
@Controller('api/v1')
@UseGuards(AdminTokenGuard)
@UseFilters(HubErrorsFilter)
export class HubNodesController {
  constructor(
    private readonly directory: NodeDirectory,
    private readonly client: NodeAdminClient,
    private readonly contacts: NodeContacts,
    private readonly identity: ServerIdentity,
    @InjectConfigStore() private readonly store: ConfigStore,
    @InjectHubOptions() private readonly options: HubOptions,
  ) {}

  @Get('nodes')
  @ApiOperation({
    summary: 'The node servers: health, version, agent count, last contact and last error (hub only)',
    description:
      'One item per endpoint of the node servers’ Service, asked now: `health` is its `/readyz`; ' +
      '`lastContact` and `lastError` are the hub’s last dealings with it. A node server answers 404.',
  })
  @ApiOkResponse({ description: 'the node servers', schema: schemaRef(nodeServerListSchema) })
  @ApiServiceUnavailableResponse({ description: 'hub only: the node servers have not been listed yet' })
  async nodes(): Promise<NodeServerList> {
    const { answers } = await fanOut(
      this.directory.listedNodes(),
      this.options.maxConcurrentCalls,
      (endpoint) => nodeStatusOf(endpoint, this.client, this.contacts),
    );
    return { service: this.directory.serviceName, items: answers.map((a) => a.value) };
  }

  @Get('summary')
  @ApiOperation({
    summary: 'The fleet’s counts, summed over the node servers',
    description:
      'Each node’s `GET /api/v1/summary`, every count added up; `partial` names the nodes missing.',
  })
  @ApiOkResponse({ description: 'the counts', schema: schemaRef(fleetSummarySchema) })
  @ApiServiceUnavailableResponse({ description: 'hub only: the node servers have not been listed yet' })
  async summary(): Promise<FleetSummary> {
    const nodes = this.directory.listedNodes();
    const { answers, missing } = await fanOut(nodes, this.options.maxConcurrentCalls, (endpoint) =>
      this.client.ok(endpoint, fleetSummarySchema, (api, signal) => api.GET('/api/v1/summary', { signal })),
    );
    const sum = answers.reduce<unknown>((total, { value }) => addCounts(total, value), emptySummary());
    return {
      ...(sum as FleetSummary),
      nodes: { total: nodes.length, answered: answers.length },
      ...partialMarks(missing),
    };
  }

  @Get('server')
  @ApiOperation({
    summary: 'The hub itself: version, start time, the node servers known and answering',
    description:
      'With `mode: hub` and `nodes`; `agents` is the sum over the node servers that answered their own ' +
      '`GET /api/v1/server`, and `partial` names those that did not.',
  })
  @ApiOkResponse({ description: 'the hub', schema: schemaRef(serverInfoSchema) })
  @ApiServiceUnavailableResponse({ description: 'hub only: the node servers have not been listed yet' })
  async server(): Promise<ServerInfo> {
    const nodes = this.directory.listedNodes();
    const { answers, missing } = await fanOut(nodes, this.options.maxConcurrentCalls, async (endpoint) => {
      const info = await nodeServerInfo(endpoint, this.client);
      if (!info) throw new Error('no GET /api/v1/server answer that keeps to the contract');
      return info;
    });
    const { identity } = this;
    const now = identity.clock.now();
    return {
      name: 'opamp-nest',
      version: identity.build.version,
      commit: identity.build.commit ?? null,
      nodeVersion: identity.build.node_version,
      hostname: identity.hostname,
      nodeName: identity.nodeName,
      nodeLocal: false,
      podNamespace: identity.podNamespace,
      startedAt: new Date(identity.startedAt).toISOString(),
      uptimeS: Math.max(0, Math.floor((now - identity.startedAt) / 1000)),
      agents: answers.reduce((total, { value }) => total + value.agents, 0),
      configStore: this.store.kind,
      plugins: [],
      mode: 'hub',
      nodes: { known: nodes.length, answering: answers.length },
      ...partialMarks(missing),
    };
  }
}

/** A summary with nothing counted: what the hub answers when no node answered. */
const emptySummary = (): FleetSummary => ({
  total: 0,
  byHealth: { healthy: 0, unhealthy: 0, unknown: 0 },
  byTransport: { http: 0, websocket: 0 },
  byConfigState: { none: 0, unsupported: 0, pending: 0, applying: 0, applied: 0, failed: 0 },
  byNode: {},
  byNamespace: {},
  unplaced: 0,
});

/** Two answers of the same shape with their numbers added up (objects field by field); the rest kept from `a`. */
export function addCounts(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === undefined) return b;
  if (isObject(a) && isObject(b)) {
    const sum: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) sum[key] = addCounts(a[key], value);
    return sum;
  }
  return a;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
