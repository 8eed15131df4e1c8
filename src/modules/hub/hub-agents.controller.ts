import {
  applyDecorators,
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
  ApiAcceptedResponse,
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiGatewayTimeoutResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type z } from 'zod';
import { type FastifyReply } from 'fastify';
import {
  AdminTokenGuard,
  agentConfigResultSchema,
  type AgentDetail,
  agentDetailSchema,
  type AgentList,
  agentListSchema,
  DEFAULT_PAGE_SIZE,
  type Json,
  listAgentsQuerySchema,
  MutatingRoute,
  openApiSchema,
  putAgentConfigBodySchema,
  restartResultSchema,
  schemaRef,
  ZodPipe,
} from '../admin/index.js';
import { AgentLocator } from './agent-locator.js';
import { fanOut, partialMarks } from './fan-out.js';
import { HubErrorsFilter } from './hub-errors.filter.js';
import { decodeAgentCursor, encodeAgentCursor } from './hub-cursor.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { mergeAgentPages, sortKeyOfListed } from './merged-agent-list.js';
import { NodeAdminClient, type NodeCall } from './node-admin.client.js';
import { NodeDirectory } from './node-directory.js';
import { nodeListQuery } from './node-query.js';

const queryPipe = new ZodPipe(listAgentsQuerySchema, 'query');

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
  @ApiOkResponse({
    description: 'one page of the agents of every node, with `partial` and `missingNodes`',
    schema: schemaRef(agentListSchema),
  })
  @ApiBadRequestResponse({ description: 'a bad filter, sort or page parameter' })
  @ApiServiceUnavailableResponse({ description: 'hub only: the node servers have not been listed yet' })
  async list(@Query() raw: Record<string, unknown>): Promise<AgentList> {
    const query = queryPipe.transform(raw);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort = query.sort ?? 'id';
    const order = query.order ?? 'asc';
    if (query.cursor !== undefined) decodeAgentCursor(query.cursor, sort, order);
    const params = nodeListQuery(raw, limit);
    const { answers, missing } = await fanOut(
      this.directory.listedNodes(),
      this.options.maxConcurrentCalls,
      (endpoint) =>
        this.client.ok(endpoint, agentListSchema, (api, signal) =>
          api.GET('/api/v1/agents', { querySerializer: () => params.toString(), signal }),
        ),
    );
    const merged = mergeAgentPages(answers, limit, sort, order);
    for (const item of merged.items) this.locator.remember(item.id, item.node);
    const last = merged.items.at(-1);
    return {
      items: merged.items,
      total: merged.total,
      nextCursor:
        merged.more && last ? encodeAgentCursor([sort, order, sortKeyOfListed(sort, last), last.id]) : null,
      ...partialMarks(missing),
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agent, from the node server that holds it', description: 'With its `node`.' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiOkResponse({ description: 'the agent, with `node`', schema: schemaRef(agentDetailSchema) })
  @ApiNotFoundResponse({ description: 'no node server has the agent' })
  @AgentNodeUnavailableResponses()
  async get(@Param('id') id: string): Promise<AgentDetail> {
    const { endpoint, detail } = await this.locator.locate(id);
    return { ...detail, node: endpoint.node };
  }

  @Post(':id/restart')
  @HttpCode(202)
  @MutatingRoute()
  @ApiOperation({ summary: 'Ask the agent to restart, through the node server that holds it' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiAcceptedResponse({ description: 'sent or queued, with `node`', schema: schemaRef(restartResultSchema) })
  @ApiNotFoundResponse({ description: 'no node server has the agent' })
  @ApiConflictResponse({ description: 'the agent does not accept the restart command' })
  @AgentNodeUnavailableResponses()
  async restart(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Json> {
    return this.forward(id, reply, restartResultSchema, (api, signal) =>
      api.POST('/api/v1/agents/{id}/restart', { params: { path: { id } }, signal }),
    );
  }

  @Put(':id/config')
  @MutatingRoute()
  @ApiOperation({ summary: 'Give one agent a config, through the node server that holds it' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiBody({ schema: openApiSchema(putAgentConfigBodySchema) })
  @ApiOkResponse({ description: 'the assignment, with `node`', schema: schemaRef(agentConfigResultSchema) })
  @ApiBadRequestResponse({ description: 'invalid body' })
  @ApiNotFoundResponse({ description: 'no such agent or config' })
  @AgentNodeUnavailableResponses()
  async putConfig(
    @Param('id') id: string,
    @Body(new ZodPipe(putAgentConfigBodySchema)) body: { config: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    return this.forward(id, reply, agentConfigResultSchema, (api, signal) =>
      api.PUT('/api/v1/agents/{id}/config', { params: { path: { id } }, body, signal }),
    );
  }

  @Delete(':id/config')
  @MutatingRoute()
  @ApiOperation({ summary: 'Remove the agent’s direct assignment, through the node server that holds it' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ description: 'the agent has no direct assignment' })
  @AgentNodeUnavailableResponses()
  async deleteConfig(
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json | undefined> {
    return this.forward(id, reply, undefined, (api, signal) =>
      api.DELETE('/api/v1/agents/{id}/config', { params: { path: { id } }, signal }),
    );
  }

  /**
   * Sends the call to the agent's node and answers with the node's status and body: a success with `node`,
   * an error as the node gave it.
   */
  private async forward<T extends object>(
    id: string,
    reply: FastifyReply,
    schema: z.ZodType<T> | undefined,
    call: NodeCall,
  ): Promise<Json> {
    const { endpoint } = await this.locator.locate(id);
    const answer = await this.client.call(endpoint, schema, call);
    reply.code(answer.status);
    if (answer.body === undefined) return undefined as unknown as Json;
    return (answer.ok ? { ...answer.body, node: endpoint.node } : answer.body) as Json;
  }
}

/** The hub's answers when the node holding an agent cannot be asked (hub only). */
function AgentNodeUnavailableResponses(): MethodDecorator {
  return applyDecorators(
    ApiServiceUnavailableResponse({
      description: 'hub only: the agent is on none of the node servers that answered, and some did not',
    }),
    ApiBadGatewayResponse({ description: 'hub only: the node server holding the agent failed' }),
    ApiGatewayTimeoutResponse({
      description: 'hub only: the node server holding the agent did not answer in time',
    }),
  );
}
