import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { type AdminOptions, InjectAdminOptions } from '../admin.options.js';
import { AdminToken } from './admin-token.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One audit log line per admin API call that changes something, whatever its outcome (refused ones
 * included): who (the token's id or why there is none, and the remote address), what (method and path),
 * and the outcome (HTTP status). Logged at `info` with `audit: true`, through the server's logger.
 */
@Injectable()
export class AdminAudit implements OnModuleInit {
  private readonly logger = new Logger('AdminAudit');
  private readonly token: AdminToken;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectAdminOptions() options: AdminOptions,
  ) {
    this.token = new AdminToken(options.token);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      if (READS.has(request.method) || !request.url.startsWith('/api/')) return;
      const caller = this.token.callerOf(request.headers.authorization);
      this.logger.log(
        {
          audit: true,
          who: { caller: caller.kind === 'token' ? caller.id : caller.kind, remote: request.ip },
          what: { method: request.method, path: request.url.split('?')[0] },
          outcome: reply.statusCode,
        },
        `admin ${request.method} ${request.url.split('?')[0]} → ${reply.statusCode}`,
      );
    });
  }
}
