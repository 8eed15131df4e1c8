import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { type Registry } from 'prom-client';
import { InjectMetricsRegistry } from './metrics.constants.js';

/** `GET /metrics`: every series in the Prometheus text format. */
@ApiTags('observability')
@Controller()
export class MetricsController {
  constructor(@InjectMetricsRegistry() private readonly registry: Registry) {}

  @Get('metrics')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'opamp_* series, process_* and nodejs_* defaults' })
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.header('content-type', this.registry.contentType);
    return this.registry.metrics();
  }
}
