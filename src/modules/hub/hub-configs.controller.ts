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
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { type z } from 'zod';
import {
  AdminApiErrorsFilter,
  AdminTokenGuard,
  type AgentSummary,
  configAssignmentListSchema,
  configAssignmentResultSchema,
  configAssignmentSchema,
  type ConfigAssignmentView,
  configDetailSchema,
  configListSchema,
  configNameParamSchema,
  configSummarySchema,
  MutatingRoute,
  openApiSchema,
  putAssignmentBodySchema,
  putConfigBodySchema,
  type PutConfigBody,
  renderAssignment,
  renderConfigFiles,
  renderHash,
  schemaRef,
  selectorPreviewBodySchema,
  type SelectorPreviewBody,
  type SelectorPreview,
  selectorPreviewSchema,
  ZodPipe,
} from '../admin/index.js';
import {
  AssignmentNotFoundError,
  assignmentNameSchema,
  type AssignmentTarget,
  ConfigNotFoundError,
  type ConfigStore,
  InjectConfigStore,
  type StoredConfig,
} from '../fleet/index.js';
import { fanOut, type MissingNode, partialMarks } from './fan-out.js';
import { type ConfigRollout, emptyRollout, sumRollouts } from './fleet-rollout.js';
import { HubErrorsFilter } from './hub-errors.filter.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { mergeAgentPages } from './merged-agent-list.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeDirectory } from './node-directory.js';

const namePipe = new ZodPipe(configNameParamSchema, 'config name');
const assignmentPipe = new ZodPipe(assignmentNameSchema, 'assignment name');

type Rollouts = Map<string, ConfigRollout>;
type ConfigSummary = z.output<typeof configSummarySchema>;
type ConfigList = z.output<typeof configListSchema>;
type ConfigDetail = z.output<typeof configDetailSchema>;

/**
 * `/api/v1/configs` of the hub: the configs live in the shared ConfigMap store, which the hub writes and
 * every node server watches (so a config written here reaches agents on every node); the rollout of each
 * is summed over the nodes' own answers, with `partial` and `missingNodes` when some did not answer.
 */
@ApiTags('configs')
@ApiBearerAuth()
@Controller('api/v1/configs')
@UseGuards(AdminTokenGuard)
@UseFilters(AdminApiErrorsFilter, HubErrorsFilter)
export class HubConfigsController {
  constructor(
    @InjectConfigStore() private readonly store: ConfigStore,
    private readonly directory: NodeDirectory,
    private readonly client: NodeAdminClient,
    @InjectHubOptions() private readonly options: HubOptions,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List configs, with their assignments and rollout summed over the nodes' })
  @ApiOkResponse({
    description: 'the configs, with `partial` and `missingNodes`',
    schema: schemaRef(configListSchema),
  })
  @ApiServiceUnavailableResponse({ description: 'hub only: the node servers have not been listed yet' })
  async list(): Promise<ConfigList> {
    const { rollouts, missing } = await this.rollouts();
    return {
      store: this.store.kind,
      items: this.store.listConfigs().map((config) => this.summary(config, rollouts)),
      ...partialMarks(missing),
    };
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The agents a selector would reach, on every node',
    description:
      'Each node’s preview of the selector; `total` summed, the first `limit` of the matching agents in id ' +
      'order, each with its `node`; `partial` names the nodes that did not answer.',
  })
  @ApiBody({ schema: openApiSchema(selectorPreviewBodySchema) })
  @ApiOkResponse({ description: 'the agents', schema: schemaRef(selectorPreviewSchema) })
  @ApiBadRequestResponse({ description: 'invalid selector' })
  @ApiServiceUnavailableResponse({ description: 'hub only: the node servers have not been listed yet' })
  async preview(
    @Body(new ZodPipe(selectorPreviewBodySchema)) body: SelectorPreviewBody,
  ): Promise<SelectorPreview> {
    const { answers, missing } = await fanOut(
      this.directory.listedNodes(),
      this.options.maxConcurrentCalls,
      (endpoint) =>
        this.client.ok(endpoint, selectorPreviewSchema, (api, signal) =>
          api.POST('/api/v1/configs/preview', { body, signal }),
        ),
    );
    // Each node answered its first `limit` in id order: the first `limit` of all of them are among those.
    const pages = answers.map(({ endpoint, value }) => ({
      endpoint,
      value: { items: value.items, total: value.total, nextCursor: null },
    }));
    const merged = mergeAgentPages<AgentSummary>(pages, body.limit);
    return { total: merged.total, items: merged.items, ...partialMarks(missing) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'One config: its files, assignments and rollout summed over the nodes' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiOkResponse({ description: 'the config', schema: schemaRef(configDetailSchema) })
  @ApiNotFoundResponse({ description: 'no such config' })
  @ApiServiceUnavailableResponse({ description: 'hub only: the node servers have not been listed yet' })
  async get(@Param('name') name: string): Promise<ConfigDetail> {
    const config = this.config(name);
    const { rollouts, missing } = await this.rollouts();
    return {
      ...this.summary(config, rollouts),
      files: renderConfigFiles(config.files) as ConfigDetail['files'],
      ...partialMarks(missing),
    };
  }

  @Put(':name')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Create or replace a config in the shared store',
    description: 'Every node server sees the change through its watch and rolls it out to its agents.',
  })
  @ApiParam({ name: 'name', description: 'lower-case letters, digits, "-" and "."' })
  @ApiBody({ schema: openApiSchema(putConfigBodySchema) })
  @ApiCreatedResponse({ description: 'created', schema: schemaRef(configSummarySchema) })
  @ApiOkResponse({ description: 'replaced', schema: schemaRef(configSummarySchema) })
  @ApiBadRequestResponse({ description: 'invalid name or body' })
  async put(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(putConfigBodySchema)) body: PutConfigBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConfigSummary> {
    const files = Object.fromEntries(
      Object.entries(body.files).map(([file, { body: content, contentType, encoding }]) => [
        file,
        { body: Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'), contentType },
      ]),
    );
    const { config, created } = await this.store.putConfig(name, files);
    reply.code(created ? 201 : 200);
    return this.summary(config, new Map());
  }

  @Delete(':name')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete a config and its assignments (agents keep what they run)' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such config' })
  async delete(@Param('name') name: string): Promise<void> {
    if (!(await this.store.deleteConfig(name))) throw new ConfigNotFoundError(name);
  }

  @Get(':name/assignments')
  @ApiOperation({ summary: 'The assignments of a config' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiOkResponse({ description: 'the assignments', schema: schemaRef(configAssignmentListSchema) })
  @ApiNotFoundResponse({ description: 'no such config' })
  listAssignments(@Param('name') name: string): { items: ConfigAssignmentView[] } {
    this.config(name);
    return { items: this.store.listAssignments(name).map(renderAssignment) };
  }

  @Get(':name/assignments/:assignment')
  @ApiOperation({ summary: 'One assignment' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiParam({ name: 'assignment', description: 'assignment name' })
  @ApiOkResponse({ description: 'the assignment', schema: schemaRef(configAssignmentSchema) })
  @ApiNotFoundResponse({ description: 'no such config or assignment' })
  getAssignment(@Param('name') name: string, @Param('assignment') assignment: string): ConfigAssignmentView {
    this.config(name);
    const found = this.store.listAssignments(name).find((a) => a.name === assignment);
    if (!found) throw new AssignmentNotFoundError(name, assignment);
    return renderAssignment(found);
  }

  @Put(':name/assignments/:assignment')
  @MutatingRoute()
  @ApiOperation({ summary: 'Create or replace an assignment (body as on a node server)' })
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
  ): Promise<ConfigAssignmentView & { rollout: ConfigRollout }> {
    this.config(name);
    const assignment = { config: name, name: assignmentName, ...target };
    const { created } = await this.store.putAssignment(assignment);
    reply.code(created ? 201 : 200);
    // The nodes roll it out once their watch sees it: the rollout as they report it right after the write.
    const { rollouts } = await this.rollouts();
    return { ...renderAssignment(assignment), rollout: rollouts.get(name) ?? emptyRollout() };
  }

  @Delete(':name/assignments/:assignment')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete an assignment' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiParam({ name: 'assignment', description: 'assignment name' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such config or assignment' })
  async deleteAssignment(
    @Param('name') name: string,
    @Param('assignment') assignment: string,
  ): Promise<void> {
    this.config(name);
    if (!(await this.store.deleteAssignment(name, assignment)))
      throw new AssignmentNotFoundError(name, assignment);
  }

  private config(name: string): StoredConfig {
    const config = this.store.getConfig(name);
    if (!config) throw new ConfigNotFoundError(name);
    return config;
  }

  /** Every config's rollout, summed over the nodes' `GET /api/v1/configs`. */
  private async rollouts(): Promise<{ rollouts: Rollouts; missing: readonly MissingNode[] }> {
    const { answers, missing } = await fanOut(
      this.directory.listedNodes(),
      this.options.maxConcurrentCalls,
      (endpoint) =>
        this.client.ok(endpoint, configListSchema, (api, signal) => api.GET('/api/v1/configs', { signal })),
    );
    return { rollouts: sumRollouts(answers), missing };
  }

  private summary(config: StoredConfig, rollouts: Rollouts): ConfigSummary {
    return {
      name: config.name,
      hash: renderHash(config.hash),
      updatedAt: config.updatedAt,
      files: Object.keys(config.files),
      assignments: this.store.listAssignments(config.name).map(renderAssignment),
      rollout: rollouts.get(config.name) ?? emptyRollout(),
    };
  }
}
