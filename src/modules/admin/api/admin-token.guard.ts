import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type AdminOptions, InjectAdminOptions } from '../admin.options.js';
import { AdminToken } from './admin-token.js';

/**
 * When `ADMIN_TOKEN` is set, every admin API call, reads included, needs `Authorization: Bearer
 * <ADMIN_TOKEN>`; others get `401` with `WWW-Authenticate: Bearer`. Config bodies can hold exporter
 * credentials, so reading them is as sensitive as changing them.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly token: AdminToken;

  constructor(@InjectAdminOptions() options: AdminOptions) {
    this.token = new AdminToken(options.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const caller = this.token.callerOf(request.headers.authorization);
    if (caller.kind === 'open' || caller.kind === 'token') return true;
    http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="opamp-nest"');
    throw new UnauthorizedException(
      caller.kind === 'wrong-token'
        ? 'the bearer token is not ADMIN_TOKEN'
        : 'send Authorization: Bearer <ADMIN_TOKEN> (every admin API call needs it)',
    );
  }
}
