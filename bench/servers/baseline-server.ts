/**
 * The baselines the real server is measured against, in their own process, with the same Fastify 5 and
 * @fastify/websocket settings as the OpAMP listener:
 *
 * - **minimal-OpAMP baseline** on `/v1/opamp`: `POST` decodes the `AgentToServer` body with the project's
 *   generated code and answers a `ServerToAgent` echoing its `instance_uid`; a WebSocket does the same per
 *   message (after the 0 header the OpAMP spec puts in front of every WebSocket message). Nothing is kept.
 * - **bare route** on `/bare/v1/opamp`: `POST` answers a fixed protobuf and a WebSocket answers every message
 *   with a fixed frame, nothing decoded — the ceiling of Fastify and `ws` alone.
 *
 * `POST /broadcast?bytes=N` writes one N-byte remote-config frame to every open socket (the rollout
 * baseline); `POST /gc` runs a full GC and returns `process.memoryUsage()`. Prints `{"port":N}` once listening.
 */
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { type RawData, type WebSocket } from 'ws';
import { AgentToServer, ServerToAgent } from '../../src/generated/opamp/v1/opamp.js';

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const PROTOBUF = 'application/x-protobuf';
const WS_HEADER = Buffer.from([0]);
const fixedReply = Buffer.from(
  ServerToAgent.encode(ServerToAgent.fromPartial({ instanceUid: Buffer.alloc(16, 7) })).finish(),
);
const fixedFrame = Buffer.concat([WS_HEADER, fixedReply]);
const sockets = new Set<WebSocket>();

const EMPTY_REPLY = ServerToAgent.fromPartial({});
// One reused writer, as the server's codec does (encoding is synchronous: never shared by two messages).
const writer = new BinaryWriter();

/**
 * The least an OpAMP server does per message, done efficiently: decode it, answer for the same instance
 * uid (no `fromPartial` walk, no new writer, no copy of the encoded bytes).
 */
function minimalReply(body: Uint8Array, wsHeader = false): Buffer {
  const message = AgentToServer.decode(body);
  // Over WebSocket the 0 header goes into the writer first, not copied in front of the reply afterwards.
  if (wsHeader) writer.uint32(0);
  const bytes = ServerToAgent.encode({ ...EMPTY_REPLY, instanceUid: message.instanceUid }, writer).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The WebSocket message header is a varint (0 in this version of the protocol); the protobuf follows it
 * (opamp-spec, "WebSocket Message Format").
 */
function afterHeader(frame: Buffer): Buffer {
  let offset = 0;
  while (offset < frame.length && (frame[offset]! & 0x80) !== 0) offset++;
  return frame.subarray(offset + 1);
}

function routes(scope: FastifyInstance, path: string, minimal: boolean): void {
  scope.post(path, async (request, response) =>
    response
      .code(200)
      .header('content-type', PROTOBUF)
      .send(minimal ? minimalReply(request.body as Buffer) : fixedReply),
  );
  scope.route({
    method: 'GET',
    url: path,
    handler: async (_request, response) => response.code(405).send(),
    wsHandler: (socket) => {
      sockets.add(socket);
      socket.on('message', (data: RawData) => {
        const frame = minimal ? minimalReply(afterHeader(data as Buffer), true) : fixedFrame;
        socket.send(frame, { binary: true });
      });
      socket.on('close', () => sockets.delete(socket));
    },
  });
}

const fastify = Fastify({ logger: false, bodyLimit: MAX_MESSAGE_BYTES, return503OnClosing: true });
await fastify.register(fastifyWebsocket, {
  options: { maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false },
});
await fastify.register(async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_MESSAGE_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  routes(scope, '/v1/opamp', true);
  routes(scope, '/bare/v1/opamp', false);
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
    const payload = Buffer.concat([WS_HEADER, push]);
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
// The server's default listen backlog (OPAMP_LISTEN_BACKLOG): with Node's 511 a 1,000-agent storm overflowed
// the baseline's accept queue, and its dropped handshakes waited a second for a retransmission.
const LISTEN_BACKLOG = 4096;
await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0), backlog: LISTEN_BACKLOG });
const address = fastify.server.address();
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
process.on('SIGTERM', () => {
  void fastify.close().then(() => process.exit(0));
});
