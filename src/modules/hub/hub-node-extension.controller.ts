import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import {
  AdminTokenGuard,
  registerAdminSchema,
  schemaRef,
  type ServerInfo,
  serverInfoSchema,
} from '../admin/index.js';
import { HubErrorsFilter } from './hub-errors.filter.js';
import { messageOf, NodeAdminClient, type NodeCall } from './node-admin.client.js';
import { NodeCallError } from './node-call.errors.js';
import { NodeDirectory } from './node-directory.js';

/** One path segment of a plugin's admin route (`tenants`, `agents`): no dot, slash or escape. */
const SEGMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** What a plugin's route answers is the plugin's own schema, which the hub does not know: any JSON object. */
const pluginRouteAnswerSchema = registerAdminSchema(
  'PluginRouteAnswer',
  z
    .record(z.string(), z.unknown())
    .describe(
      'hub only: a plugin’s admin route answer, as the node server gave it (the plugin’s own schema)',
    ),
);
type PluginRouteAnswer = z.infer<typeof pluginRouteAnswerSchema>;

/**
 * `GET /api/v1/nodes/{node}/server` of the hub: which server a node runs, and its plugins; and
 * `GET /api/v1/nodes/{node}/plugins/{plugin}/{route}`: a plugin's read-only admin route
 * (`GET /api/v1/{plugin}/{route}`, added with `@AdminRoutes`, docs/plugins.md) asked of one node server, through
 * the hub's node client (its token and deadline). The hub names no plugin: it forwards whatever the node has.
 */
@ApiTags('nodes')
@ApiBearerAuth()
@Controller('api/v1/nodes')
@UseGuards(AdminTokenGuard)
@UseFilters(HubErrorsFilter)
export class HubNodeExtensionController {
  constructor(
    private readonly directory: NodeDirectory,
    private readonly client: NodeAdminClient,
  ) {}

  @Get(':node/server')
  @ApiOperation({
    summary: 'One node server’s `GET /api/v1/server`: its version, agents and plugins',
    description: 'What a client asks before a node’s plugin routes: `plugins` names the plugins it runs.',
  })
  @ApiParam({ name: 'node', description: 'a node name of `GET /api/v1/nodes`' })
  @ApiOkResponse({ description: 'the node server’s answer', schema: schemaRef(serverInfoSchema) })
  @ApiNotFoundResponse({ description: 'no such node server' })
  @ApiBadGatewayResponse({ description: 'the node server failed or refused the hub’s token' })
  @ApiGatewayTimeoutResponse({ description: 'the node server did not answer within HUB_NODE_TIMEOUT_S' })
  server(@Param('node') node: string): Promise<ServerInfo> {
    return this.ask(node, '/api/v1/server', serverInfoSchema, (api, signal) =>
      api.GET('/api/v1/server', { signal }),
    );
  }

  @Get(':node/plugins/:plugin/:route')
  @ApiOperation({
    summary: 'A plugin’s read-only admin route, asked of one node server',
    description:
      'The node’s answer to `GET /api/v1/{plugin}/{route}` as it gave it, e.g. ' +
      '`/api/v1/nodes/node-1/plugins/tenants/agents` for a `tenants` plugin’s ' +
      '`GET /api/v1/tenants/agents` on node-1.',
  })
  @ApiParam({ name: 'node', description: 'a node name of `GET /api/v1/nodes`' })
  @ApiParam({ name: 'plugin', description: 'the plugin’s route prefix, e.g. `tenants`' })
  @ApiParam({ name: 'route', description: 'the route under it, e.g. `agents`' })
  @ApiOkResponse({ description: 'the node server’s answer', schema: schemaRef(pluginRouteAnswerSchema) })
  @ApiBadRequestResponse({ description: 'plugin or route is not a single path segment' })
  @ApiNotFoundResponse({ description: 'no such node server, or it has no such route (plugin not loaded)' })
  @ApiBadGatewayResponse({ description: 'the node server failed or refused the hub’s token' })
  @ApiGatewayTimeoutResponse({ description: 'the node server did not answer within HUB_NODE_TIMEOUT_S' })
  async forward(
    @Param('node') node: string,
    @Param('plugin') plugin: string,
    @Param('route') route: string,
  ): Promise<PluginRouteAnswer> {
    if (!SEGMENT.test(plugin) || !SEGMENT.test(route)) {
      throw new BadRequestException(
        'plugin and route are single path segments: lower-case letters, digits, -',
      );
    }
    const path = `/api/v1/${plugin}/${route}`;
    // A plugin's route is not among the client's typed paths; openapi-fetch joins whatever path it is given.
    return this.ask(node, path, pluginRouteAnswerSchema, (api, signal) =>
      api.GET(path as '/api/v1/server', { signal }),
    );
  }

  /** The node's answer to `GET path` when a success; its 404 as ours; anything else a failed node call. */
  private async ask<T>(node: string, path: string, schema: z.ZodType<T>, call: NodeCall): Promise<T> {
    const endpoint = this.directory.listedNodes().find((known) => known.node === node);
    if (!endpoint)
      throw new NotFoundException(`no node server for node "${node}"; list them with GET /api/v1/nodes`);
    const answer = await this.client.call(endpoint, schema, call);
    if (answer.ok) return answer.body;
    if (answer.status === 404) {
      throw new NotFoundException(
        `the node server of ${node} has no GET ${path}: is the plugin enabled there (PLUGINS)?`,
      );
    }
    throw new NodeCallError(node, 'error', `HTTP ${answer.status}: ${messageOf(answer.body)}`, answer.status);
  }
}
