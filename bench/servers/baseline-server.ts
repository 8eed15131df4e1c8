/**
 * The baseline the real server is measured against, in its own process: the same Fastify 5 and
 * @fastify/websocket settings as the OpAMP listener, but nothing decoded and nothing kept. `POST /v1/opamp`
 * answers a fixed protobuf; a WebSocket on `/v1/opamp` answers every message with a fixed frame;
 * `POST /broadcast?bytes=N` writes one N-byte frame to every open socket (the rollout baseline).
 * Prints `{"port":N}` on stdout once listening.
 */
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { type WebSocket } from 'ws';
import { ServerToAgent } from '../../src/generated/opamp/v1/opamp.js';

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const reply = Buffer.from(
  ServerToAgent.encode(ServerToAgent.fromPartial({ instanceUid: Buffer.alloc(16, 7) })).finish(),
);
const frame = Buffer.concat([Buffer.from([0]), reply]);
const sockets = new Set<WebSocket>();

const fastify = Fastify({ logger: false, bodyLimit: MAX_MESSAGE_BYTES, return503OnClosing: true });
await fastify.register(fastifyWebsocket, {
  options: { maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false },
});
await fastify.register(async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_MESSAGE_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  scope.post('/v1/opamp', async (_request, response) =>
    response.code(200).header('content-type', 'application/x-protobuf').send(reply),
  );
  scope.route({
    method: 'GET',
    url: '/v1/opamp',
    handler: async (_request, response) => response.code(405).send(),
    wsHandler: (socket) => {
      sockets.add(socket);
      socket.on('message', () => socket.send(frame, { binary: true }));
      socket.on('close', () => sockets.delete(socket));
    },
  });
  scope.post('/broadcast', async (request, response) => {
    const bytes = Number((request.query as { bytes?: string }).bytes ?? '512');
    const push = ServerToAgent.encode(
      ServerToAgent.fromPartial({
        instanceUid: Buffer.alloc(16, 7),
        remoteConfig: {
          config: {
            configMap: { 'collector.yaml': { body: Buffer.alloc(bytes, 0x41), contentType: 'text/yaml' } },
          },
          configHash: Buffer.alloc(32, 1),
        },
      }),
    ).finish();
    const payload = Buffer.concat([Buffer.from([0]), push]);
    const started = performance.now();
    await Promise.all(
      [...sockets].map(
        (socket) => new Promise<void>((resolve) => socket.send(payload, { binary: true }, () => resolve())),
      ),
    );
    return response.send({ sockets: sockets.size, ms: performance.now() - started });
  });
  scope.get('/stats', async () => ({ sockets: sockets.size }));
  // Started with --expose-gc: a full GC, then memory (the idle-RSS comparison).
  scope.post('/gc', async () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  });
});
await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const address = fastify.server.address();
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
process.on('SIGTERM', () => {
  void fastify.close().then(() => process.exit(0));
});
