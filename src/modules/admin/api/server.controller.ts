import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FleetConfigs, ROLLOUT_STATES } from '../../fleet/index.js';
import { PluginHost } from '../../plugins/index.js';
import { AgentRegistry } from '../../session/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { schemaRef } from './admin-schema.registry.js';
import { placementOf } from './agent-placement.js';
import { healthOf } from './agent-view.js';
import {
  type FleetSummary,
  fleetSummarySchema,
  type ServerInfo,
  serverInfoSchema,
} from './response.schemas.js';
import { ServerIdentity } from './server-identity.js';

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** `/api/v1/server` and `/api/v1/summary`: which server this is and its agents counted (a hub asks every node). */
@ApiTags('server')
@ApiBearerAuth()
@Controller('api/v1')
@UseGuards(AdminTokenGuard)
export class ServerController {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly fleet: FleetConfigs,
    private readonly plugins: PluginHost,
    private readonly identity: ServerIdentity,
  ) {}

  @Get('server')
  @ApiOperation({
    summary: 'This server: version, node, start time, agent count, plugins',
    description: 'A hub calls it on every node to label what each node answers.',
  })
  @ApiOkResponse({ description: 'this server', schema: schemaRef(serverInfoSchema) })
  server(): ServerInfo {
    const { identity } = this;
    const now = identity.clock.now();
    return {
      name: 'opamp-nest',
      version: identity.build.version,
      commit: identity.build.commit ?? null,
      nodeVersion: identity.build.node_version,
      hostname: identity.hostname,
      nodeName: identity.nodeName,
      nodeLocal: identity.nodeLocal,
      podNamespace: identity.podNamespace,
      startedAt: new Date(identity.startedAt).toISOString(),
      uptimeS: Math.max(0, Math.floor((now - identity.startedAt) / 1000)),
      agents: this.registry.list().length,
      configStore: this.fleet.storeKind,
      plugins: this.plugins.registered.map(({ name, order }) => ({ name, order })),
    };
  }

  @Get('summary')
  @ApiOperation({
    summary: 'The connected agents counted by health, transport, config state, node and namespace',
    description: 'One pass over the agents; a hub sums the answers of every node.',
  })
  @ApiOkResponse({ description: 'the counts', schema: schemaRef(fleetSummarySchema) })
  summary(): FleetSummary {
    const sessions = this.registry.list();
    const byHealth = { healthy: 0, unhealthy: 0, unknown: 0 };
    const byTransport = { http: 0, websocket: 0 };
    const byConfigState = Object.fromEntries(
      ROLLOUT_STATES.map((state) => [state, 0]),
    ) as FleetSummary['byConfigState'];
    const byNode: Record<string, number> = {};
    const byNamespace: Record<string, number> = {};
    let unplaced = 0;
    for (const session of sessions) {
      byHealth[healthOf(session)]++;
      byTransport[session.transport]++;
      byConfigState[this.fleet.sourceOf(session).state]++;
      const { node, namespace } = placementOf(session);
      if (node === null) unplaced++;
      else increment(byNode, node);
      if (namespace !== null) increment(byNamespace, namespace);
    }
    return { total: sessions.length, byHealth, byTransport, byConfigState, byNode, byNamespace, unplaced };
  }
}
