import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type AdminOptions, InjectAdminOptions } from '../admin.options.js';

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * When `ADMIN_TOKEN` is set, mutating calls (anything but GET, HEAD, OPTIONS) need
 * `Authorization: Bearer <ADMIN_TOKEN>`; others get `401` with `WWW-Authenticate: Bearer`. The token is
 * compared in constant time (over SHA-256 digests, so its length does not leak either).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@InjectAdminOptions() options: AdminOptions) {
    this.expected = options.token === undefined ? undefined : digest(options.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!this.expected || READ_ONLY.has(request.method)) return true;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1]!), this.expected)) return true;
    http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="opamp-nest"');
    throw new UnauthorizedException(
      match
        ? 'the bearer token is not ADMIN_TOKEN'
        : 'send Authorization: Bearer <ADMIN_TOKEN> to change anything',
    );
  }
}
