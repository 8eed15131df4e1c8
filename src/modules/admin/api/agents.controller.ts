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
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiBearerAuth,
  ApiTags,
} from '@nestjs/swagger';
import { AgentCommands } from '../../commands/index.js';
import { FleetConfigs } from '../../fleet/index.js';
import { AgentRegistry, type AgentSession } from '../../session/index.js';
import { AdminApiErrorsFilter } from './api-errors.filter.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AgentNotFoundError } from './agent-not-found.error.js';
import { attributeFilters, DEFAULT_PAGE_SIZE, filterAgents, paginate } from './agent-query.js';
import { ConnectionSettingsComposer } from '../../connection-settings/index.js';
import { agentDetail, agentSummary, remoteConfigSummary, renderAssignment } from './agent-view.js';
import {
  AGENT_SORT_KEYS,
  listAgentsQuerySchema,
  openApiSchema,
  putAgentConfigBodySchema,
} from './api.schemas.js';
import { type Json } from './json-render.js';
import { MutatingRoute } from './mutating-route.decorator.js';
import { schemaRef } from './admin-schema.registry.js';
import {
  type AgentConfigResult,
  agentConfigResultSchema,
  agentDetailSchema,
  type AgentList,
  agentListSchema,
  type RestartResult,
  restartResultSchema,
} from './response.schemas.js';
import { ZodPipe } from './zod-body.pipe.js';

const queryPipe = new ZodPipe(listAgentsQuerySchema, 'query');

/** `/api/v1/agents`: the agents connected to this server, their config, and commands. */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('api/v1/agents')
@UseGuards(AdminTokenGuard)
@UseFilters(AdminApiErrorsFilter)
export class AgentsController {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly fleet: FleetConfigs,
    private readonly commands: AgentCommands,
    private readonly connectionSettings: ConnectionSettingsComposer,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List agents',
    description:
      'Agents filtered by `attr.<key>=<value>` (identifying, non-identifying and resource attributes and ' +
      'identity labels; repeat for several), `node`, `namespace`, `workload` (from the agents’ ' +
      '`k8s.node.name`, `k8s.namespace.name` and `k8s.<kind>.name` attributes; `workload` also as ' +
      '`<kind>/<name>`), `health`, `transport`, `config`, `state` and free text `q`; sorted by `sort` ' +
      '(ties by id); `limit` per page and the `nextCursor` of the previous page as `cursor` (with the same ' +
      '`sort` and `order`). `total` counts every matching agent.',
  })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'case-insensitive text in the id, service name, an attribute key or value, or a label',
  })
  @ApiQuery({ name: 'node', required: false, description: 'k8s.node.name' })
  @ApiQuery({ name: 'namespace', required: false, description: 'k8s.namespace.name' })
  @ApiQuery({
    name: 'workload',
    required: false,
    description: 'the workload name, or <kind>/<name> (deployment/checkout)',
  })
  @ApiQuery({ name: 'health', required: false, enum: ['healthy', 'unhealthy', 'unknown'] })
  @ApiQuery({ name: 'transport', required: false, enum: ['http', 'websocket'] })
  @ApiQuery({ name: 'config', required: false, description: 'only agents given this config by the store' })
  @ApiQuery({
    name: 'state',
    required: false,
    enum: ['none', 'unsupported', 'pending', 'applying', 'applied', 'failed'],
  })
  @ApiQuery({ name: 'sort', required: false, enum: AGENT_SORT_KEYS, description: 'default id' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'], description: 'default asc' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
    description: '1-1000, default 100',
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: 'one page of agents', schema: schemaRef(agentListSchema) })
  @ApiBadRequestResponse({ description: 'a bad filter, sort or page parameter' })
  list(@Query() raw: Record<string, unknown>): AgentList {
    const query = queryPipe.transform(raw);
    const matching = filterAgents(this.registry.list(), query, attributeFilters(raw), this.fleet);
    const { page, nextCursor } = paginate(matching, {
      sort: query.sort,
      order: query.order,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return {
      items: page.map((row) => agentSummary(row.session, this.fleet, row.placement)),
      total: matching.length,
      nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agent: description, capabilities, health, configs, connection' })
  @ApiParam({ name: 'id', description: 'the agent id (display form of its instance uid)' })
  @ApiOkResponse({ description: 'the agent', schema: schemaRef(agentDetailSchema) })
  @ApiNotFoundResponse({ description: 'no such agent' })
  get(@Param('id') id: string): Json {
    const session = this.agent(id);
    return agentDetail(session, this.fleet, this.commands, this.connectionSettings.sentHash(session));
  }

  @Put(':id/config')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Give one agent a config',
    description:
      'Creates the assignment `agent-<id>` in the config (replacing the agent’s direct assignment in any other ' +
      'config). A per-agent assignment beats every selector. Answers once WebSocket agents have been sent it.',
  })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiBody({ schema: openApiSchema(putAgentConfigBodySchema) })
  @ApiOkResponse({ description: 'the assignment', schema: schemaRef(agentConfigResultSchema) })
  @ApiBadRequestResponse({ description: 'invalid body' })
  @ApiNotFoundResponse({ description: 'no such agent or config' })
  async putConfig(
    @Param('id') id: string,
    @Body(new ZodPipe(putAgentConfigBodySchema)) body: { config: string },
  ): Promise<AgentConfigResult> {
    const session = this.agent(id);
    const assignment = await this.fleet.assignToAgent(session.displayId, body.config);
    return {
      agent: session.displayId,
      assignment: renderAssignment(assignment),
      remoteConfig: remoteConfigSummary(session, this.fleet),
    };
  }

  @Delete(':id/config')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Remove the agent’s direct assignment (selectors apply again)' })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ description: 'the agent has no direct assignment' })
  async deleteConfig(@Param('id') id: string): Promise<void> {
    if (!(await this.fleet.unassignAgent(id))) {
      throw new AgentNotFoundError(id, `agent "${id}" has no config of its own (no per-agent assignment)`);
    }
  }

  @Post(':id/restart')
  @HttpCode(202)
  @MutatingRoute()
  @ApiOperation({
    summary: 'Ask the agent to restart',
    description: 'Sent at once over WebSocket (`sent`), with the next poll over HTTP (`queued`).',
  })
  @ApiParam({ name: 'id', description: 'the agent id' })
  @ApiAcceptedResponse({ description: 'sent or queued', schema: schemaRef(restartResultSchema) })
  @ApiNotFoundResponse({ description: 'no such agent' })
  @ApiConflictResponse({
    description: 'the agent does not accept the restart command (AcceptsRestartCommand)',
  })
  async restart(@Param('id') id: string): Promise<RestartResult> {
    const session = this.agent(id);
    const delivery = await this.commands.restart(session);
    return { agent: session.displayId, command: 'restart', delivery };
  }

  private agent(id: string): AgentSession {
    const session = this.registry.findByDisplayId(id);
    if (!session) throw new AgentNotFoundError(id);
    return session;
  }
}
