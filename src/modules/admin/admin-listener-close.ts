import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Socket } from 'node:net';

/** How long requests in progress have to finish once the admin listener starts closing, ms. */
export const ADMIN_LISTENER_CLOSE_GRACE_MS = 2000;

/**
 * Bounds the admin listener's close. When it starts closing, every connection without a request in progress
 * is destroyed at once; those still open {@link ADMIN_LISTENER_CLOSE_GRACE_MS} later are destroyed too.
 * Node's `server.close()` ends only idle keep-alive connections and waits for the rest, and a connection that
 * was opened but never sent a request is not idle to it. The hub leaves such connections to the node
 * servers: undici's `fetch` opens a new, never-used connection after a streaming response is aborted
 * (https://github.com/nodejs/undici/issues/5845), so a node server whose events the hub streamed took about
 * 70 s to close.
 */
@Injectable()
export class AdminListenerClose implements OnModuleInit {
  private readonly logger = new Logger(AdminListenerClose.name);
  /** Open connections, with how many requests each is serving. */
  private readonly connections = new Map<Socket, number>();
  private closing = false;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  private track(socket: Socket): void {
    this.connections.set(socket, 0);
    socket.once('close', () => this.connections.delete(socket));
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    const server = fastify.server;
    // Over TLS the request's socket is the TLS socket, known once its handshake is done.
    const accepted = 'setSecureContext' in server ? 'secureConnection' : 'connection';
    server.on(accepted, (socket: Socket) => this.track(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const socket = request.socket;
      if (!this.connections.has(socket)) this.track(socket);
      this.connections.set(socket, this.connections.get(socket)! + 1);
      response.once('close', () => {
        const serving = this.connections.get(socket);
        // The socket may have closed first (a client gone mid-request): it must not be tracked again.
        if (serving === undefined) return;
        const busy = serving - 1;
        this.connections.set(socket, busy);
        // Once closing, a connection whose last answer is written is not kept alive for another request.
        if (busy === 0 && this.closing) socket.end();
      });
    });
    fastify.addHook('preClose', (done) => {
      this.closing = true;
      for (const [socket, busy] of this.connections) if (busy === 0) socket.destroy();
      const timer = setTimeout(() => {
        this.logger.warn(
          { connections: this.connections.size, graceMs: ADMIN_LISTENER_CLOSE_GRACE_MS },
          'admin listener closing: destroying the connections still busy after the grace',
        );
        server.closeAllConnections();
      }, ADMIN_LISTENER_CLOSE_GRACE_MS);
      timer.unref();
      server.once('close', () => clearTimeout(timer));
      done();
    });
  }
}
