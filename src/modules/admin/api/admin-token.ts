import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Who made an admin call, as the audit log names them. */
export type AdminCaller =
  /** No token is configured: anyone on the (loopback) admin address. */
  | { readonly kind: 'open' }
  /** The configured token was sent; `id` is the start of its SHA-256, safe to log, stable across calls. */
  | { readonly kind: 'token'; readonly id: string }
  /** A token was sent that is not the configured one. */
  | { readonly kind: 'wrong-token' }
  /** No `Authorization: Bearer` header while a token is configured. */
  | { readonly kind: 'anonymous' };

/**
 * The admin token: checks a request's `Authorization` header in constant time (over SHA-256 digests, so
 * neither the content nor the length of the token leaks through timing).
 */
export class AdminToken {
  private readonly expected?: Buffer;
  private readonly id?: string;

  constructor(token: string | undefined) {
    if (token === undefined) return;
    this.expected = digest(token);
    this.id = `sha256:${this.expected.toString('hex').slice(0, 12)}`;
  }

  /** Whether a token is configured. */
  get required(): boolean {
    return this.expected !== undefined;
  }

  /** Who sent `authorization`. */
  callerOf(authorization: string | undefined): AdminCaller {
    if (!this.expected || !this.id) return { kind: 'open' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return { kind: 'anonymous' };
    return timingSafeEqual(digest(match[1]!), this.expected)
      ? { kind: 'token', id: this.id }
      : { kind: 'wrong-token' };
  }
}
