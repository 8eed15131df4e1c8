import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard, type Json } from '../admin/index.js';
import { fanOut, partialMarks } from './fan-out.js';
import { HubErrorsFilter } from './hub-errors.filter.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeContacts } from './node-contacts.js';
import { NodeDirectory } from './node-directory.js';
import { nodeStatusOf } from './node-status.js';

/** `/api/v1/nodes` and `/api/v1/summary` of the hub: the node servers, and the fleet's counts over them. */
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
    @InjectHubOptions() private readonly options: HubOptions,
  ) {}

  @Get('nodes')
  @ApiOperation({
    summary: 'The node servers: health, version, agent count, last contact and last error',
    description:
      'One item per endpoint of the node servers’ Service, asked now: `health` is its `/readyz`; ' +
      '`lastContact` and `lastError` are the hub’s last dealings with it.',
  })
  @ApiOkResponse({ description: '`{ service, items: [{ node, address, health, version, agents, ... }] }`' })
  async nodes(): Promise<Json> {
    const { answers } = await fanOut(
      this.directory.listedNodes(),
      this.options.maxConcurrentCalls,
      (endpoint) => nodeStatusOf(endpoint, this.client, this.contacts),
    );
    return { service: this.directory.serviceName, items: answers.map((a) => a.value) } as unknown as Json;
  }

  @Get('summary')
  @ApiOperation({
    summary: 'The fleet’s counts, summed over the node servers',
    description:
      'Each node’s `GET /api/v1/summary`, every count added up; `partial` names the nodes missing.',
  })
  async summary(): Promise<Json> {
    const nodes = this.directory.listedNodes();
    const { answers, missing } = await fanOut(nodes, this.options.maxConcurrentCalls, (endpoint) =>
      this.client.ok(endpoint, { path: '/api/v1/summary' }),
    );
    const sum = answers.reduce<unknown>((total, { value }) => addCounts(total, value), {});
    return {
      ...(sum as Record<string, Json>),
      nodes: { total: nodes.length, answered: answers.length },
      ...partialMarks(missing),
    } as Json;
  }
}

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
