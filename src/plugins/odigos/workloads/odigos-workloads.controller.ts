import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { adminSchemaRef, AdminRoutes, InjectServerConfig, type ServerConfig } from '../../../index.js';
import { InstrumentationConfigCache } from '../instrumentation-config/instrumentation-config.cache.js';
import { OdigosPlugin } from '../odigos.plugin.js';
import { odigosWorkloads } from './odigos-workloads.js';
import { type OdigosWorkloadList, odigosWorkloadListSchema } from './odigos-workloads.schemas.js';

/** `GET /api/v1/odigos/workloads`: the Odigos workloads of this node server, read from memory. */
@AdminRoutes('odigos')
export class OdigosWorkloadsController {
  constructor(
    private readonly plugin: OdigosPlugin,
    private readonly instrumentationConfigs: InstrumentationConfigCache,
    @InjectServerConfig() private readonly config: ServerConfig,
  ) {}

  @Get('workloads')
  @ApiOperation({
    summary: 'Odigos workloads: their InstrumentationConfig and the InstrumentationInstances written here',
    description:
      'Only with the Odigos plugin (`PLUGINS=odigos`). The workloads of the agents this server holds, each with ' +
      'the InstrumentationInstance it last wrote per agent, and the workloads whose InstrumentationConfig it ' +
      'caches. Answered from memory: no Kubernetes call per request.',
  })
  @ApiOkResponse({ description: 'the workloads', schema: adminSchemaRef(odigosWorkloadListSchema) })
  workloads(): OdigosWorkloadList {
    return {
      node: this.config.kubernetes.nodeName,
      instrumentationConfigsReady: this.instrumentationConfigs.ready,
      items: odigosWorkloads(this.plugin.placedAgents(), this.instrumentationConfigs.list()),
    };
  }
}
