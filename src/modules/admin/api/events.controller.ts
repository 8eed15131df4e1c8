import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { AdminTokenGuard } from './admin-token.guard.js';
import { LIVE_EVENTS_HEARTBEAT_MS, LiveEventStreamResponse } from './live-event-streams.js';
import { LIVE_EVENTS_COALESCE_MS, LiveEvents } from './live-events.js';

/** `GET /api/v1/events`: agent and config changes as they happen, as Server-Sent Events. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
@UseGuards(AdminTokenGuard)
export class EventsController {
  constructor(private readonly live: LiveEvents) {}

  @Get()
  @ApiOperation({
    summary: 'Live agent and config changes (Server-Sent Events)',
    description:
      'A `text/event-stream` of events, each an `event: <type>` line and a `data: <LiveEvent JSON>` line: ' +
      '`agent.connected`, `agent.updated` (status, health, config state or attributes changed; at most one ' +
      `per agent per ${LIVE_EVENTS_COALESCE_MS} ms, with its latest summary), \`agent.disconnected\` — each ` +
      'with the agent’s `AgentSummary` — and `config.changed` with the config names. A `: heartbeat` ' +
      `comment every ${LIVE_EVENTS_HEARTBEAT_MS / 1000} s. Needs the bearer token like every call (read it ` +
      'with fetch, not EventSource, to send the header). A client that falls more than 1 MiB behind is ' +
      'disconnected: reconnect and reload the list.',
  })
  @LiveEventStreamResponse()
  stream(@Res() reply: FastifyReply): void {
    reply.hijack();
    this.live.attach(reply.raw);
  }
}
