import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type WebUiOptions, InjectWebUiOptions } from './web-ui.options.js';
import { WebUiFiles } from './web-ui-files.js';

/** The admin API's prefix: never answered with the UI, so an unknown API path stays a JSON 404. */
const API_PREFIX = '/api/';

const NOT_BUILT =
  'The web UI is not built. Run `npm run build` (it builds the server and the UI into dist/ui), then restart.\n';

/**
 * Serves the built UI at `/` of the admin listener: its files with their content type, hashed assets cached
 * for a year, `index.html` (never cached) for any other path so the UI's own routes load, and a plain 503
 * when the UI was not built. The files are public; the API they call stays behind ADMIN_TOKEN.
 * Registered on Fastify directly (not `@fastify/static`, whose dependency Jest cannot load on Node 20, so the
 * in-process test servers serve the UI too).
 */
@Injectable()
export class WebUiRoutes implements OnModuleInit {
  private readonly logger = new Logger('WebUi');
  private readonly files: WebUiFiles;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectWebUiOptions() private readonly options: WebUiOptions,
  ) {
    this.files = new WebUiFiles(options.root);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const handler = (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
      this.serve(request, reply);
    fastify.route({ method: ['GET', 'HEAD'], url: '/', handler });
    fastify.route({ method: ['GET', 'HEAD'], url: '/*', handler });
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith(API_PREFIX) || path === '/api') {
      return reply
        .code(404)
        .send({ statusCode: 404, error: 'Not Found', message: `Cannot ${request.method} ${path}` });
    }
    const file = path === '/' ? undefined : await this.files.read(path);
    if (file) {
      reply.header('content-type', file.contentType);
      reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
      return reply.send(file.body);
    }
    // A missing asset is a 404; any other path is one of the UI's own routes.
    if (path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path)) {
      return reply.code(404).type('text/plain; charset=utf-8').send(`Not found: ${path}\n`);
    }
    const index = await this.files.read('/index.html');
    if (!index) {
      this.logger.warn(`web UI requested but not built (no index.html under ${this.options.root})`);
      return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    }
    reply.header('content-type', index.contentType);
    reply.header('cache-control', 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    return reply.send(index.body);
  }
}
