import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import {
  AdminTokenGuard,
  DEFAULT_PAGE_SIZE,
  type Json,
  listAgentsQuerySchema,
  MutatingRoute,
  openApiSchema,
  putAgentConfigBodySchema,
  ZodPipe,
} from '../admin/index.js';
import { AgentLocator } from './agent-locator.js';
import { fanOut, partialMarks } from './fan-out.js';
import { HubErrorsFilter } from './hub-errors.filter.js';
import { decodeAgentCursor, encodeAgentCursor } from './hub-cursor.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { type AgentPage, mergeAgentPages, sortKeyOfListed } from './merged-agent-list.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeDirectory } from './node-directory.js';
import { nodeListQuery } from './node-query.js';

const queryPipe = new ZodPipe(listAgentsQuerySchema, 'query');
const agentPath = (id: string, rest = ''): string => `/api/v1/agents/${encodeURIComponent(id)}${rest}`;

/**
 * `/api/v1/agents` of the hub: the agents of every node server, merged; one agent's detail and commands
 * from and to the node that holds it. Answers built from several nodes say which did not answer
 * (`partial`, `missingNodes`).
 */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('api/v1/agents')
@UseGuards(AdminTokenGuard)
@UseFilters(HubErrorsFilter)
export class HubAgentsController {
  constructor(
    private readonly directory: NodeDirectory,
    private readonly client: NodeAdminClient,
    private readonly locator: AgentLocator,
    @InjectHubOptions() private readonly options: HubOptions,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List the agents of every node',
    description:
      'The filters, sort and cursor of a node server’s list, passed to every node; the pages merged in the same ' +
      'order, each agent with its `node`. `nextCursor` resumes after the last agent on every node. `partial: true` and ' +
      '`missingNodes` name the nodes that did not answer in time or failed: their agents are not counted.',
  })
  @ApiOkResponse({ description: '`{ items, total, nextCursor, partial, missingNodes }`' })
  @ApiServiceUnavailableResponse({ description: 'the node servers have not been listed yet' })
  async list(@Query() raw: Record<string, unknown>): Promise<Json> {
    const query = queryPipe.transform(raw);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort = query.sort ?? 'id';
    const order = query.order ?? 'asc';
    if (query.cursor !== undefined) decodeAgentCursor(query.cursor, sort, order);
    const params = nodeListQuery(raw, limit);
    const { answers, missing } = await fanOut(
      this.directory.listedNodes(),
      this.options.maxConcurrentCalls,
      (endpoint) => this.client.ok<AgentPage>(endpoint, { path: `/api/v1/agents?${params.toString()}` }),
    );
    const merged = mergeAgentPages(answers, limit, sort, order);
    for (const item of merged.items) this.locator.remember(item.id, item.node);
    const last = merged.items.at(-1);
    return {
      items: merged.items as unknown as Json[],
      total: merged.total,
      nextCursor:
        merged.more && last ? encodeAgentCursor([sort, order, sortKeyOfListed(sort, last), last.id]) : null,
      ...partialMarks(missing),
    } as Json;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agent, from the node server that holds it', description: 'With its `node`.' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiOkResponse({ description: 'the agent, as its node server describes it, with `node`' })
  async get(@Param('id') id: string): Promise<Json> {
    const { endpoint, detail } = await this.locator.locate(id);
    return { ...detail, node: endpoint.node } as Json;
  }

  @Post(':id/restart')
  @HttpCode(202)
  @MutatingRoute()
  @ApiOperation({ summary: 'Ask the agent to restart, through the node server that holds it' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  async restart(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Json> {
    return this.forward(id, 'POST', '/restart', undefined, reply);
  }

  @Put(':id/config')
  @MutatingRoute()
  @ApiOperation({ summary: 'Give one agent a config, through the node server that holds it' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiBody({ schema: openApiSchema(putAgentConfigBodySchema) })
  async putConfig(
    @Param('id') id: string,
    @Body(new ZodPipe(putAgentConfigBodySchema)) body: { config: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    return this.forward(id, 'PUT', '/config', body, reply);
  }

  @Delete(':id/config')
  @MutatingRoute()
  @ApiOperation({ summary: 'Remove the agent’s direct assignment, through the node server that holds it' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  async deleteConfig(
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json | undefined> {
    return this.forward(id, 'DELETE', '/config', undefined, reply);
  }

  /** Sends the call to the agent's node and answers with the node's status and body (with `node`). */
  private async forward(
    id: string,
    method: 'POST' | 'PUT' | 'DELETE',
    rest: string,
    body: unknown,
    reply: FastifyReply,
  ): Promise<Json> {
    const { endpoint } = await this.locator.locate(id);
    const answer = await this.client.call<Record<string, unknown> | undefined>(endpoint, {
      method,
      path: agentPath(id, rest),
      body,
    });
    reply.code(answer.status);
    return (answer.body === undefined ? undefined : { ...answer.body, node: endpoint.node }) as Json;
  }
}
