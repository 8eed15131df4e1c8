import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiBearerAuth,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import {
  agentAttributes,
  assignmentNameSchema,
  FleetConfigs,
  matchesSelector,
  type AssignmentTarget,
  type StoredConfig,
} from '../../fleet/index.js';
import { AdminApiErrorsFilter } from './api-errors.filter.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { agentSummary, renderAssignment } from './agent-view.js';
import { AgentRegistry } from '../../session/index.js';
import {
  configNameParamSchema,
  openApiSchema,
  putAssignmentBodySchema,
  putConfigBodySchema,
  type PutConfigBody,
  selectorPreviewBodySchema,
  type SelectorPreviewBody,
} from './api.schemas.js';
import { type Json, renderConfigFiles, renderHash } from './json-render.js';
import { MutatingRoute } from './mutating-route.decorator.js';
import { schemaRef } from './admin-schema.registry.js';
import {
  configAssignmentListSchema,
  configAssignmentResultSchema,
  configAssignmentSchema,
  configDetailSchema,
  configListSchema,
  configSummarySchema,
  type SelectorPreview,
  selectorPreviewSchema,
} from './response.schemas.js';
import { ZodPipe } from './zod-body.pipe.js';

const namePipe = new ZodPipe(configNameParamSchema, 'config name');
const assignmentPipe = new ZodPipe(assignmentNameSchema, 'assignment name');

/** `/api/v1/configs`: named remote configs, their assignments, and how their rollout goes. */
@ApiTags('configs')
@ApiBearerAuth()
@Controller('api/v1/configs')
@UseGuards(AdminTokenGuard)
@UseFilters(AdminApiErrorsFilter)
export class ConfigsController {
  constructor(
    private readonly fleet: FleetConfigs,
    private readonly registry: AgentRegistry,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List configs, with their assignments and rollout' })
  @ApiOkResponse({ description: 'the configs', schema: schemaRef(configListSchema) })
  list(): Json {
    return {
      store: this.fleet.storeKind,
      items: this.fleet.listConfigs().map((config) => this.summary(config)),
    };
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The agents a selector would reach',
    description:
      'Matches the selector against the connected agents exactly as an assignment does (identifying, ' +
      'non-identifying and resource attributes and identity labels): their count and the first `limit`.',
  })
  @ApiBody({ schema: openApiSchema(selectorPreviewBodySchema) })
  @ApiOkResponse({ description: 'the agents', schema: schemaRef(selectorPreviewSchema) })
  @ApiBadRequestResponse({ description: 'invalid selector' })
  preview(@Body(new ZodPipe(selectorPreviewBodySchema)) body: SelectorPreviewBody): SelectorPreview {
    const matching = this.registry
      .list()
      .filter((session) => matchesSelector(body.selector, agentAttributes(session)))
      .sort((a, b) => (a.displayId < b.displayId ? -1 : a.displayId > b.displayId ? 1 : 0));
    return {
      total: matching.length,
      items: matching.slice(0, body.limit).map((session) => agentSummary(session, this.fleet)),
    };
  }

  @Get(':name')
  @ApiOperation({ summary: 'One config: its files, assignments and rollout over the connected agents' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiOkResponse({ description: 'the config', schema: schemaRef(configDetailSchema) })
  @ApiNotFoundResponse({ description: 'no such config' })
  get(@Param('name') name: string): Json {
    const config = this.fleet.getConfig(name);
    return { ...this.summary(config), files: renderConfigFiles(config.files) };
  }

  @Put(':name')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Create or replace a config',
    description:
      'Replaces the files and keeps the assignments. Every agent the config decides gets the new files: at ' +
      'once over WebSocket (the call answers after they were sent), with its next poll over HTTP.',
  })
  @ApiParam({ name: 'name', description: 'lower-case letters, digits, "-" and "."' })
  @ApiBody({ schema: openApiSchema(putConfigBodySchema) })
  @ApiCreatedResponse({ description: 'created', schema: schemaRef(configSummarySchema) })
  @ApiOkResponse({ description: 'replaced', schema: schemaRef(configSummarySchema) })
  @ApiBadRequestResponse({ description: 'invalid name or body' })
  @ApiUnprocessableEntityResponse({
    description: 'the store cannot hold it (e.g. a file named "" in a ConfigMap)',
  })
  async put(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(putConfigBodySchema)) body: PutConfigBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    const files = Object.fromEntries(
      Object.entries(body.files).map(([file, { body: content, contentType, encoding }]) => [
        file,
        { body: Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'), contentType },
      ]),
    );
    const { config, created } = await this.fleet.putConfig(name, files);
    reply.code(created ? 201 : 200);
    return this.summary(config);
  }

  @Delete(':name')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete a config and its assignments (agents keep what they run)' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such config' })
  async delete(@Param('name') name: string): Promise<void> {
    await this.fleet.deleteConfig(name);
  }

  @Get(':name/assignments')
  @ApiOperation({ summary: 'The assignments of a config' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiOkResponse({ description: 'the assignments', schema: schemaRef(configAssignmentListSchema) })
  @ApiNotFoundResponse({ description: 'no such config' })
  listAssignments(@Param('name') name: string): Json {
    return { items: this.fleet.listAssignments(name).map(renderAssignment) };
  }

  @Get(':name/assignments/:assignment')
  @ApiOperation({ summary: 'One assignment' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiParam({ name: 'assignment', description: 'assignment name' })
  @ApiOkResponse({ description: 'the assignment', schema: schemaRef(configAssignmentSchema) })
  @ApiNotFoundResponse({ description: 'no such config or assignment' })
  getAssignment(@Param('name') name: string, @Param('assignment') assignment: string): Json {
    return renderAssignment(this.fleet.getAssignment(name, assignment));
  }

  @Put(':name/assignments/:assignment')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Create or replace an assignment',
    description:
      'Body `{ "selector": { "<key>": "<value>", ... } }` (every term must match an identifying, ' +
      'non-identifying or resource attribute or identity label; `{}` matches all agents) or ' +
      '`{ "agent": "<id>" }`. An agent gets the config of its most specific assignment: per agent, then ' +
      'the selector with the most terms; ties go to the lowest assignment name, then config name.',
  })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiParam({ name: 'assignment', description: 'assignment name: printable ASCII without spaces or "/"' })
  @ApiBody({ schema: openApiSchema(putAssignmentBodySchema) })
  @ApiCreatedResponse({ description: 'created', schema: schemaRef(configAssignmentResultSchema) })
  @ApiOkResponse({ description: 'replaced', schema: schemaRef(configAssignmentResultSchema) })
  @ApiBadRequestResponse({ description: 'invalid name or body' })
  @ApiNotFoundResponse({ description: 'no such config' })
  async putAssignment(
    @Param('name') name: string,
    @Param('assignment', assignmentPipe) assignmentName: string,
    @Body(new ZodPipe(putAssignmentBodySchema)) target: AssignmentTarget,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    const { assignment, created } = await this.fleet.putAssignment(name, assignmentName, target);
    reply.code(created ? 201 : 200);
    return { ...(renderAssignment(assignment) as Record<string, Json>), rollout: this.rollout(name) };
  }

  @Delete(':name/assignments/:assignment')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete an assignment (its agents fall back to their next assignment, if any)' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiParam({ name: 'assignment', description: 'assignment name' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such config or assignment' })
  async deleteAssignment(
    @Param('name') name: string,
    @Param('assignment') assignment: string,
  ): Promise<void> {
    await this.fleet.deleteAssignment(name, assignment);
  }

  private summary(config: StoredConfig): Record<string, Json> {
    return {
      name: config.name,
      hash: renderHash(config.hash),
      updatedAt: config.updatedAt,
      files: Object.keys(config.files),
      assignments: this.fleet.listAssignments(config.name).map(renderAssignment),
      rollout: this.rollout(config.name),
    };
  }

  private rollout(name: string): Json {
    const { agents, states, failedAgents } = this.fleet.rolloutOf(name);
    return { agents, ...states, failedAgents: [...failedAgents] };
  }
}
