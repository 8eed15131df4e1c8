import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Duplex } from 'node:stream';
import { dirname } from 'node:path';

/** Requests and upgrades arriving on the socket are handed to the TCP listener's handlers. */
export interface UnixSocketTarget {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * Serves the OpAMP HTTP handler on a Unix domain socket (`OPAMP_UNIX_SOCKET`), for agents on the node
 * that talk to the server through a mounted socket file: a stale socket file is replaced, the socket is made
 * world-writable (0666) for agents running as any user, and the file is removed on close.
 */
export class UnixSocketListener {
  private server?: Server;

  constructor(readonly path: string) {}

  /** Listens; `create` makes the HTTP server (to share the TCP listener's timeouts). */
  async listen(
    target: UnixSocketTarget,
    create: (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server = createServer,
  ): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o755 });
    await rm(this.path, { force: true });
    const server = create((req, res) => target.request(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      target.upgrade(req, socket, head),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    await chmod(this.path, 0o666);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await rm(this.path, { force: true });
  }
}
