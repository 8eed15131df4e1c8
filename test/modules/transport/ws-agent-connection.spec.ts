import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { OpampCodec } from '../../../src/modules/protocol/index.js';
import { TokenBucket } from '../../../src/modules/transport/token-bucket.js';
import { WsAgentConnection } from '../../../src/modules/transport/ws-agent-connection.js';

describe('WsAgentConnection message queue', () => {
  let server: WebSocketServer;
  let client: WebSocket;
  let connection: WsAgentConnection;

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const socket = await accepted;
    connection = new WsAgentConnection(
      socket,
      '127.0.0.1',
      {},
      new OpampCodec({ maxMessageBytes: 1024 }),
      2048,
      new TokenBucket(10, 20, performance.now()),
    );
  });

  afterAll(async () => {
    client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('runs a synchronous task before enqueue returns', () => {
    const done: string[] = [];
    connection.enqueue(() => {
      done.push('heartbeat');
    });
    expect(done).toEqual(['heartbeat']);
  });

  it('runs tasks in order: those behind a pending one wait for it, then run without another turn', async () => {
    const done: string[] = [];
    let finish!: () => void;
    connection.enqueue(
      () =>
        new Promise<void>((resolve) => {
          finish = () => {
            done.push('first');
            resolve();
          };
        }),
    );
    connection.enqueue(() => {
      done.push('second');
    });
    connection.enqueue(() => {
      done.push('third');
    });
    expect(done).toEqual([]);

    finish();
    await new Promise((resolve) => setImmediate(resolve));

    expect(done).toEqual(['first', 'second', 'third']);
  });

  it('goes on after a task that throws or rejects', async () => {
    const done: string[] = [];
    connection.enqueue(() => {
      throw new Error('a task that failed to report its own failure');
    });
    connection.enqueue(() => Promise.reject(new Error('rejected')));
    connection.enqueue(() => {
      done.push('after');
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(done).toEqual(['after']);
  });
});
