import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Res } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type FastifyReply } from 'fastify';
import { get, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import {
  ADMIN_LISTENER_CLOSE_GRACE_MS,
  AdminListenerClose,
} from '../../../src/modules/admin/admin-listener-close.js';

/** A route that answers after 200 ms, and one that never answers. */
@Controller()
class SlowController {
  @Get('slow')
  async slow(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return 'done';
  }

  @Get('hang')
  hang(@Res() reply: FastifyReply): void {
    reply.hijack();
  }
}

describe('AdminListenerClose', () => {
  let app: NestFastifyApplication | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await app?.close();
    app = undefined;
  });

  async function start(): Promise<number> {
    const moduleRef = await Test.createTestingModule({
      controllers: [SlowController],
      providers: [AdminListenerClose],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    return ((app.getHttpServer() as Server).address() as AddressInfo).port;
  }

  const opened = (port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket)).on('error', reject);
      sockets.push(socket);
    });

  const timed = async (close: () => Promise<void>): Promise<number> => {
    const start = Date.now();
    await close();
    return Date.now() - start;
  };

  it('closes at once although a connection never sent a request', async () => {
    const port = await start();
    const silent = await opened(port);
    const closedByServer = new Promise<void>((resolve) => silent.once('close', () => resolve()));

    const tookMs = await timed(() => app!.close());
    app = undefined;

    await closedByServer;
    expect(tookMs).toBeLessThan(1000);
  });

  it('lets a request in progress finish, and answers it', async () => {
    const port = await start();
    const answer = new Promise<{ status?: number; body: string }>((resolve, reject) =>
      get(`http://127.0.0.1:${port}/slow`, (response: IncomingMessage) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      }).on('error', reject),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    const tookMs = await timed(() => app!.close());
    app = undefined;

    expect(await answer).toEqual({ status: 200, body: 'done' });
    expect(tookMs).toBeLessThan(ADMIN_LISTENER_CLOSE_GRACE_MS);
  });

  it('destroys a connection whose request is still unanswered after the grace', async () => {
    const port = await start();
    const waiting = await opened(port);
    waiting.write('GET /hang HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    const closedByServer = new Promise<void>((resolve) => waiting.once('close', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const tookMs = await timed(() => app!.close());
    app = undefined;

    await closedByServer;
    expect(tookMs).toBeGreaterThanOrEqual(ADMIN_LISTENER_CLOSE_GRACE_MS - 50);
    expect(tookMs).toBeLessThan(ADMIN_LISTENER_CLOSE_GRACE_MS + 1500);
  });
});
