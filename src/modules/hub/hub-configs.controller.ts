import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Put,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import {
  AdminApiErrorsFilter,
  AdminTokenGuard,
  configNameParamSchema,
  type Json,
  MutatingRoute,
  openApiSchema,
  putAssignmentBodySchema,
  putConfigBodySchema,
  type PutConfigBody,
  renderAssignment,
  renderConfigFiles,
  renderHash,
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
import { emptyRollout, type NodeConfigList, sumRollouts } from './fleet-rollout.js';
import { HubErrorsFilter } from './hub-errors.filter.js';
import { type HubOptions, InjectHubOptions } from './hub.options.js';
import { NodeAdminClient } from './node-admin.client.js';
import { NodeDirectory } from './node-directory.js';

const namePipe = new ZodPipe(configNameParamSchema, 'config name');
const assignmentPipe = new ZodPipe(assignmentNameSchema, 'assignment name');

type Rollouts = Map<string, Record<string, number | string[]>>;

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
  @ApiOkResponse({ description: '`{ store, items, partial, missingNodes }`' })
  async list(): Promise<Json> {
    const { rollouts, missing } = await this.rollouts();
    return {
      store: this.store.kind,
      items: this.store.listConfigs().map((config) => this.summary(config, rollouts)),
      ...partialMarks(missing),
    } as Json;
  }

  @Get(':name')
  @ApiOperation({ summary: 'One config: its files, assignments and rollout summed over the nodes' })
  @ApiParam({ name: 'name', description: 'config name' })
  async get(@Param('name') name: string): Promise<Json> {
    const config = this.config(name);
    const { rollouts, missing } = await this.rollouts();
    return {
      ...this.summary(config, rollouts),
      files: renderConfigFiles(config.files),
      ...partialMarks(missing),
    } as Json;
  }

  @Put(':name')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Create or replace a config in the shared store',
    description: 'Every node server sees the change through its watch and rolls it out to its agents.',
  })
  @ApiParam({ name: 'name', description: 'lower-case letters, digits, "-" and "."' })
  @ApiBody({ schema: openApiSchema(putConfigBodySchema) })
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
    const { config, created } = await this.store.putConfig(name, files);
    reply.code(created ? 201 : 200);
    return this.summary(config, new Map());
  }

  @Delete(':name')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete a config and its assignments (agents keep what they run)' })
  @ApiParam({ name: 'name', description: 'config name' })
  async delete(@Param('name') name: string): Promise<void> {
    if (!(await this.store.deleteConfig(name))) throw new ConfigNotFoundError(name);
  }

  @Get(':name/assignments')
  @ApiOperation({ summary: 'The assignments of a config' })
  @ApiParam({ name: 'name', description: 'config name' })
  listAssignments(@Param('name') name: string): Json {
    this.config(name);
    return { items: this.store.listAssignments(name).map(renderAssignment) };
  }

  @Get(':name/assignments/:assignment')
  @ApiOperation({ summary: 'One assignment' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiParam({ name: 'assignment', description: 'assignment name' })
  getAssignment(@Param('name') name: string, @Param('assignment') assignment: string): Json {
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
  async putAssignment(
    @Param('name') name: string,
    @Param('assignment', assignmentPipe) assignmentName: string,
    @Body(new ZodPipe(putAssignmentBodySchema)) target: AssignmentTarget,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    this.config(name);
    const assignment = { config: name, name: assignmentName, ...target };
    const { created } = await this.store.putAssignment(assignment);
    reply.code(created ? 201 : 200);
    return renderAssignment(assignment);
  }

  @Delete(':name/assignments/:assignment')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete an assignment' })
  @ApiParam({ name: 'name', description: 'config name' })
  @ApiParam({ name: 'assignment', description: 'assignment name' })
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
      (endpoint) => this.client.ok<NodeConfigList>(endpoint, { path: '/api/v1/configs' }),
    );
    return { rollouts: sumRollouts(answers), missing };
  }

  private summary(config: StoredConfig, rollouts: Rollouts): Record<string, Json> {
    return {
      name: config.name,
      hash: renderHash(config.hash),
      updatedAt: config.updatedAt,
      files: Object.keys(config.files),
      assignments: this.store.listAssignments(config.name).map(renderAssignment),
      rollout: (rollouts.get(config.name) ?? emptyRollout()) as Json,
    };
  }
}
