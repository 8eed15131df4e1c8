import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { NodeDirectory } from './node-directory.js';

/**
 * The hub's probes, on its admin listener outside `/api` (no token: the kubelet reaches them): `/healthz`
 * while the process answers, `/readyz` once the node servers' EndpointSlices are listed.
 */
@ApiExcludeController()
@Controller()
export class HubHealthController {
  constructor(private readonly directory: NodeDirectory) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  readyz(@Res({ passthrough: true }) reply: FastifyReply): Record<string, unknown> {
    const ready = this.directory.ready;
    reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    return {
      status: ready ? 'ok' : 'error',
      ready,
      checks: {
        nodeServers: ready
          ? { status: 'up', service: this.directory.serviceName, nodes: this.directory.nodes().length }
          : { status: 'down', reason: `EndpointSlices of ${this.directory.serviceName} not listed yet` },
      },
    };
  }
}
