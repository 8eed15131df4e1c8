import { createServer, type Server, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ServerToAgent } from '../../../src/generated/opamp/v1/opamp.js';
import { AxiosLikeHttpClient, PythonHttpClient } from './agent-http.js';
import { pythonJsonDumps } from './agent-messages.js';
import { resolveTarget } from './agent-target.js';
import { OdigosNodeAgentSimulator } from './node-agent.simulator.js';
import { OdigosPythonAgentSimulator } from './python-agent.simulator.js';
import { HttpMessageReader } from './raw-http.js';

interface RawServer {
  host: string;
  /** Every chunk received, in order. */
  raw: Buffer[];
  close(): Promise<void>;
}

/** A raw TCP server calling `respond(socket)` after each complete request. */
async function rawServer(respond: (socket: Socket) => void): Promise<RawServer> {
  const raw: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const reader = new HttpMessageReader('request');
    socket.on('data', (chunk: Buffer) => {
      raw.push(chunk);
      if (reader.push(chunk).length > 0) respond(socket);
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    raw,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Odigos agent transports', () => {
  const servers: RawServer[] = [];
  const serve = async (respond: (socket: Socket) => void): Promise<RawServer> => {
    const server = await rawServer(respond);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const reply = ServerToAgent.encode(
    ServerToAgent.fromPartial({ instanceUid: Buffer.from('x'), flags: 1n }),
  ).finish();

  it('parses chunked and close-delimited responses (Python client)', async () => {
    const chunked = await serve((socket) => {
      const half = Math.floor(reply.length / 2);
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.write(`${half.toString(16)}\r\n`);
      socket.write(Buffer.concat([Buffer.from(reply.subarray(0, half)), Buffer.from('\r\n')]));
      socket.end(
        Buffer.concat([
          Buffer.from(`${(reply.length - half).toString(16)};ext=1\r\n`),
          Buffer.from(reply.subarray(half)),
          Buffer.from('\r\n0\r\n\r\n'),
        ]),
      );
    });
    const closed = await serve((socket) =>
      socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), reply])),
    );
    for (const { host } of [chunked, closed]) {
      const client = new PythonHttpClient({
        target: resolveTarget(host),
        path: '/v1/opamp',
        timeoutMs: 1000,
      });
      const response = await client.post(Buffer.from('abc'));
      expect(response.status).toBe(200);
      expect(ServerToAgent.decode(response.body).flags).toBe(1n);
    }
    // Python writes no Connection header and the body right after the head.
    expect(closed.raw[0]!.toString('latin1')).toBe(
      `POST /v1/opamp HTTP/1.1\r\nHost: ${closed.host}\r\nAccept-Encoding: identity\r\nContent-Length: 3\r\nContent-Type: application/x-protobuf\r\n\r\nabc`,
    );
  });

  it('decompresses gzip like axios (Node client)', async () => {
    const gz = gzipSync(reply);
    const { host, raw } = await serve((socket) =>
      socket.write(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`),
          gz,
        ]),
      ),
    );
    const client = new AxiosLikeHttpClient({
      target: resolveTarget(`http://${host}`),
      path: '/v1/opamp',
      timeoutMs: 1000,
      userAgent: 'axios/1.18.0',
    });
    try {
      const response = await client.post(Buffer.from('abc'));
      expect(ServerToAgent.decode(response.body).flags).toBe(1n);
      expect(raw[0]!.toString('latin1')).toBe(
        'POST /v1/opamp HTTP/1.1\r\nAccept: application/json, text/plain, */*\r\nContent-Type:  application/x-protobuf\r\n' +
          `User-Agent: axios/1.18.0\r\nContent-Length: 3\r\nAccept-Encoding: gzip, compress, deflate, br\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\nabc`,
      );
    } finally {
      client.close();
    }
  });

  it('a Node first message that times out counts as a failed attempt', async () => {
    const { host } = await serve(() => undefined);
    const sim = new OdigosNodeAgentSimulator({
      target: host,
      requestTimeoutMs: 20,
      firstMessageAttempts: 2,
      firstMessageRetryDelayMs: 1,
      autoHeartbeat: false,
    });
    await sim.start();
    expect(sim.exchanges.filter((e) => e.purpose === 'first').map((e) => e.error)).toEqual([
      'timeout of 20ms exceeded',
      'timeout of 20ms exceeded',
    ]);
    expect(sim.usedFallbackConfig).toBe(true);
    await sim.stop('kill');
  });

  it('the Python client reads HTTP >= 400 as an empty reply', async () => {
    const { host } = await serve((socket) =>
      socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    );
    const sim = new OdigosPythonAgentSimulator({ serverHost: host, firstMessageRetryDelayMs: 1 });
    await sim.start();
    expect(sim.state).toBe('offline');
    expect(sim.responses.map((r) => r.status)).toEqual([404, 404, 404]);
    await sim.stop('crash');
    expect(sim.sentFor('disconnect')).toHaveLength(1);
  });

  it('the Python client gives up after its socket timeout', async () => {
    const { host } = await serve(() => undefined);
    const sim = new OdigosPythonAgentSimulator({
      serverHost: host,
      firstMessageRetryDelayMs: 1,
      requestTimeoutMs: 20,
    });
    await sim.start();
    expect(sim.state).toBe('offline');
    expect(sim.exchanges.map((e) => e.error)).toEqual([
      'timed out after 20 ms',
      'timed out after 20 ms',
      'timed out after 20 ms',
    ]);
    await sim.stop('kill');
    expect(sim.sentFor('disconnect')).toHaveLength(0);
  });

  it("formats like Python's json.dumps", () => {
    expect(pythonJsonDumps({ is_standard_lib: true })).toBe('{"is_standard_lib": true}');
    expect(pythonJsonDumps({ a: [1, 'é', null], b: {} })).toBe('{"a": [1, "\\u00e9", null], "b": {}}');
  });
});
