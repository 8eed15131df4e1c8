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
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { assignmentNameSchema, type AssignmentTarget } from '../../fleet/index.js';
import {
  type CatalogPackage,
  type PackageAssignment,
  packageNameSchema,
  PackagesAdmin,
  putPackageBodySchema,
  type PutPackageBody,
} from '../../packages/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { openApiSchema, putAssignmentBodySchema } from './api.schemas.js';
import { type Json } from './json-render.js';
import { MutatingRoute } from './mutating-route.decorator.js';
import { schemaRef } from './admin-schema.registry.js';
import { packageSchemas } from './response.schemas.js';
import { PackagesErrorsFilter } from './packages-errors.filter.js';
import { ZodPipe } from './zod-body.pipe.js';

const namePipe = new ZodPipe(packageNameSchema, 'package name');
const assignmentPipe = new ZodPipe(assignmentNameSchema, 'assignment name');

/** An assignment as JSON: `{ package, name, agent }` or `{ package, name, selector }`. */
function renderPackageAssignment(assignment: PackageAssignment): Json {
  const base = { package: assignment.package, name: assignment.name };
  return 'agent' in assignment
    ? { ...base, agent: assignment.agent }
    : { ...base, selector: { ...assignment.selector } };
}

/** `/api/v1/packages`: the package catalog, assignments, and each package's rollout. */
@ApiTags('packages')
@ApiBearerAuth()
@Controller('api/v1/packages')
@UseGuards(AdminTokenGuard)
@UseFilters(PackagesErrorsFilter)
export class PackagesController {
  constructor(private readonly packages: PackagesAdmin) {}

  @Get()
  @ApiOperation({ summary: 'List packages, with their assignments and rollout' })
  @ApiOkResponse({ schema: schemaRef(packageSchemas.list) })
  list(): Json {
    return {
      catalog: this.packages.catalogKind,
      items: this.packages.listPackages().map((p) => this.render(p)),
    };
  }

  @Get(':name')
  @ApiOperation({ summary: 'One package: its spec, assignments and rollout over the connected agents' })
  @ApiParam({ name: 'name', description: 'package name' })
  @ApiOkResponse({ schema: schemaRef(packageSchemas.package) })
  @ApiNotFoundResponse({ description: 'no such package' })
  get(@Param('name') name: string): Json {
    return this.render(this.packages.getPackage(name));
  }

  @Put(':name')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Create or replace a package',
    description:
      'Keeps the assignments. Agents it is offered to get the new offer: at once over WebSocket (the call ' +
      'answers after it was sent), with their next poll over HTTP.',
  })
  @ApiParam({ name: 'name', description: 'lower-case letters, digits, "-" and "."' })
  @ApiBody({ schema: openApiSchema(putPackageBodySchema) })
  @ApiCreatedResponse({ schema: schemaRef(packageSchemas.package) })
  @ApiOkResponse({ schema: schemaRef(packageSchemas.package) })
  @ApiBadRequestResponse({ description: 'invalid name or body' })
  async put(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(putPackageBodySchema)) body: PutPackageBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    const { package: stored, created } = await this.packages.putPackage(name, {
      offeredAs: body.offeredAs ?? name,
      type: body.type,
      version: body.version,
      downloadUrl: body.downloadUrl,
      contentHash: Buffer.from(body.contentHash, 'hex'),
      signature: Buffer.from(body.signature ?? '', 'base64'),
      headers: body.headers,
    });
    reply.code(created ? 201 : 200);
    return this.render(stored);
  }

  @Delete(':name')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete a package and its assignments (agents are offered the rest)' })
  @ApiParam({ name: 'name', description: 'package name' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such package' })
  async delete(@Param('name') name: string): Promise<void> {
    await this.packages.deletePackage(name);
  }

  @Put(':name/assignments/:assignment')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Create or replace an assignment of a package',
    description:
      'Body `{ "selector": { "<key>": "<value>" } }` or `{ "agent": "<id>" }`, as for configs. Among ' +
      'packages offered under the same name, an agent gets the one of its most specific assignment.',
  })
  @ApiParam({ name: 'name', description: 'package name' })
  @ApiParam({ name: 'assignment', description: 'assignment name: printable ASCII without spaces or "/"' })
  @ApiBody({ schema: openApiSchema(putAssignmentBodySchema) })
  @ApiCreatedResponse({ schema: schemaRef(packageSchemas.assignment) })
  @ApiOkResponse({ schema: schemaRef(packageSchemas.assignment) })
  @ApiBadRequestResponse({ description: 'invalid name or body' })
  @ApiNotFoundResponse({ description: 'no such package' })
  async putAssignment(
    @Param('name') name: string,
    @Param('assignment', assignmentPipe) assignmentName: string,
    @Body(new ZodPipe(putAssignmentBodySchema)) target: AssignmentTarget,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    const { assignment, created } = await this.packages.putAssignment(name, assignmentName, target);
    reply.code(created ? 201 : 200);
    return renderPackageAssignment(assignment);
  }

  @Delete(':name/assignments/:assignment')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete an assignment of a package' })
  @ApiParam({ name: 'name', description: 'package name' })
  @ApiParam({ name: 'assignment', description: 'assignment name' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such package or assignment' })
  async deleteAssignment(
    @Param('name') name: string,
    @Param('assignment') assignment: string,
  ): Promise<void> {
    await this.packages.deleteAssignment(name, assignment);
  }

  private render(p: CatalogPackage): Record<string, Json> {
    const { agents, states, failedAgents } = this.packages.rolloutOf(p.name);
    return {
      name: p.name,
      offeredAs: p.offeredAs,
      type: p.type,
      version: p.version,
      downloadUrl: p.downloadUrl,
      contentHash: p.contentHash.toString('hex'),
      signature: p.signature.length > 0 ? p.signature.toString('base64') : null,
      headers: { ...p.headers },
      hash: p.hash.toString('hex'),
      updatedAt: p.updatedAt,
      assignments: this.packages.listAssignments(p.name).map(renderPackageAssignment),
      rollout: { agents, ...states, failedAgents: failedAgents.map((f) => ({ ...f })) },
    };
  }
}
