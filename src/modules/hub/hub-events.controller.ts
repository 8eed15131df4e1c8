import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { AdminTokenGuard, LiveEventStreamResponse } from '../admin/index.js';
import { HubLiveEvents } from './hub-live-events.js';

/** `GET /api/v1/events` of the hub: the node servers' event streams, merged. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
@UseGuards(AdminTokenGuard)
export class HubEventsController {
  constructor(private readonly live: HubLiveEvents) {}

  @Get()
  @ApiOperation({
    summary: 'Live agent and config changes of every node (Server-Sent Events)',
    description:
      'The events of every node server’s own stream, each with its `node`, framed as a node server frames ' +
      'them, with the same heartbeat; `node.connected` when a node’s stream opens (reload what it holds), ' +
      '`node.disconnected` when it closes (retried with backoff while the node is listed).',
  })
  @LiveEventStreamResponse()
  stream(@Res() reply: FastifyReply): void {
    reply.hijack();
    this.live.attach(reply.raw);
  }
}
