import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import { releaseUpgrade } from '../../../src/modules/transport/upgrade-release.js';

interface Accepted {
  errorListenersBefore: number;
  errorListenersAfter: number;
  responseBefore: boolean;
  responseAfter: boolean;
}

const httpMessageOf = (request: IncomingMessage): ServerResponse | null | undefined =>
  (request.socket as unknown as { _httpMessage?: ServerResponse | null })._httpMessage;

describe('releaseUpgrade', () => {
  let fastify: FastifyInstance | undefined;
  afterEach(async () => {
    await fastify?.close();
    fastify = undefined;
  });

  it("lets go of the upgrade's response and Fastify's error closure, and the socket still serves", async () => {
    let accepted: Accepted | undefined;
    fastify = Fastify({ logger: false });
    await fastify.register(fastifyWebsocket, {
      options: { perMessageDeflate: false, clientTracking: false },
    });
    fastify.route({
      method: 'GET',
      url: '/ws',
      handler: async (_request, reply) => reply.code(405).send(),
      wsHandler: (socket, request) => {
        const before = { errors: socket.listenerCount('error'), response: !!httpMessageOf(request.raw) };
        releaseUpgrade(socket, request.raw);
        accepted = {
          errorListenersBefore: before.errors,
          errorListenersAfter: socket.listenerCount('error'),
          responseBefore: before.response,
          responseAfter: !!httpMessageOf(request.raw),
        };
        socket.on('error', () => socket.terminate());
        socket.on('message', (data) => socket.send(data));
      },
    });
    await fastify.listen({ host: '127.0.0.1', port: 0 });
    const { port } = fastify.server.address() as AddressInfo;

    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise<void>((resolve, reject) => client.once('open', resolve).once('error', reject));
    const echoed = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
    client.send('still here');

    expect(await echoed).toBe('still here');
    expect(accepted).toEqual({
      errorListenersBefore: 1,
      errorListenersAfter: 0,
      responseBefore: true,
      responseAfter: false,
    });
    client.close();
  });
});
