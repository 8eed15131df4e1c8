import { applyDecorators, type Logger } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { SseClients } from '../../../common/sse-clients.js';
import { schemaRef } from './admin-schema.registry.js';
import { liveEventSchema } from './response.schemas.js';

/** A comment line this often keeps proxies from closing an idle stream. */
export const LIVE_EVENTS_HEARTBEAT_MS = 15_000;
/** A client with more than this many bytes unsent cannot keep up: it is dropped. */
export const LIVE_EVENTS_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The open `GET /api/v1/events` streams of a node server or of the hub: the admin API's heartbeat and
 * slow-client limit, each client dropped logged on `logger`.
 */
export const liveEventStreams = (logger: Logger): SseClients =>
  new SseClients({
    heartbeatMs: LIVE_EVENTS_HEARTBEAT_MS,
    maxBufferedBytes: LIVE_EVENTS_MAX_BUFFERED_BYTES,
    onSlowClient: (bufferedBytes) =>
      logger.warn({ bufferedBytes }, 'dropping a GET /api/v1/events client that does not keep up'),
  });

/** OpenAPI marks of a `GET /api/v1/events`: a `text/event-stream` whose data lines are `LiveEvent`s. */
export const LiveEventStreamResponse = (): MethodDecorator =>
  applyDecorators(
    ApiProduces('text/event-stream'),
    ApiOkResponse({
      description: 'the event stream; each data line is a LiveEvent',
      content: { 'text/event-stream': { schema: schemaRef(liveEventSchema) } },
    }),
  );
