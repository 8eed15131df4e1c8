import { afterEach, describe, expect, it } from '@jest/globals';
import { Agent, createServer, get, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { SseClients, type SseClientsOptions } from '../../src/common/sse-clients.js';
import { eventually } from '../support/eventually.js';

/** A plain HTTP server on 127.0.0.1 whose every request becomes a stream of `clients`. */
async function serve(
  options: Partial<SseClientsOptions> = {},
  onClose?: () => void,
): Promise<{ clients: SseClients; server: Server; url: string; slow: number[] }> {
  const slow: number[] = [];
  const clients = new SseClients({
    heartbeatMs: 60_000,
    maxBufferedBytes: 1024 * 1024,
    onSlowClient: (bytes) => slow.push(bytes),
    ...options,
  });
  const server = createServer((_request, response) => clients.attach(response, onClose));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { clients, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, slow };
}

/** A client of the stream at `url`: its answer, and the text read so far. */
async function listen(url: string, agent?: Agent): Promise<{ answer: IncomingMessage; text: () => string }> {
  const answer = await new Promise<IncomingMessage>((resolve, reject) =>
    get(url, { agent }, resolve).on('error', reject),
  );
  answers.push(answer);
  let text = '';
  answer.setEncoding('utf8');
  answer.on('data', (chunk: string) => (text += chunk));
  return { answer, text: () => text };
}

const closed = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

const servers: Server[] = [];
const answers: IncomingMessage[] = [];
afterEach(async () => {
  for (const answer of answers.splice(0)) answer.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    if (server.listening) await closed(server);
  }
});

describe('SseClients', () => {
  it('streams each frame to every client with the event-stream head, and forgets a client that goes', async () => {
    let closes = 0;
    const { clients, url } = await serve({}, () => closes++);
    const first = await listen(url);
    const second = await listen(url);
    await eventually(() => clients.size === 2 && second.text() === ': connected\n\n');

    clients.send('agent.connected', { type: 'agent.connected', id: 'a' });

    const frame = 'event: agent.connected\ndata: {"type":"agent.connected","id":"a"}\n\n';
    await eventually(() => first.text().endsWith(frame) && second.text().endsWith(frame));
    expect(first.text()).toBe(`: connected\n\n${frame}`);
    expect(first.answer.statusCode).toBe(200);
    expect(first.answer.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(first.answer.headers['cache-control']).toBe('no-cache, no-transform');
    expect(first.answer.headers['x-accel-buffering']).toBe('no');

    first.answer.destroy();
    await eventually(() => clients.size === 1 && closes === 1);
    clients.close();
  });

  it('sends a heartbeat comment while a client listens', async () => {
    const { clients, url } = await serve({ heartbeatMs: 20 });
    const client = await listen(url);
    await eventually(() => client.text().includes(': heartbeat\n\n'));
    clients.close();
  });

  it('drops a client that stops reading once its unsent bytes pass the limit, and keeps serving the others', async () => {
    const { clients, server, url, slow } = await serve({ maxBufferedBytes: 64 * 1024 });
    const stalled = await listen(url);
    stalled.answer.pause();
    const reading = await listen(url);
    await eventually(() => clients.size === 2);

    const payload = 'x'.repeat(64 * 1024);
    // Loopback's socket buffers take a few MiB before the server's own buffer grows; bounded at 64 MiB.
    for (let sent = 0; sent < 1024 && slow.length === 0; sent++) {
      clients.send('filler', payload);
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(slow).toHaveLength(1);
    expect(slow[0]).toBeGreaterThan(64 * 1024);
    await eventually(() => clients.size === 1);
    const connections = await new Promise<number>((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
    expect(connections).toBe(1);
    clients.send('after', 'still here');
    await eventually(() => reading.text().endsWith('event: after\ndata: "still here"\n\n'), 10_000);
    clients.close();
  });

  it('at close ends every stream and destroys its keep-alive socket, so the server closes at once', async () => {
    const { clients, server, url } = await serve();
    const agent = new Agent({ keepAlive: true });
    const client = await listen(url, agent);
    await eventually(() => clients.size === 1);
    const ended = new Promise<void>((resolve) => client.answer.on('end', resolve));

    const start = Date.now();
    clients.close();
    await ended;
    await closed(server);

    expect(Date.now() - start).toBeLessThan(900);
    expect(clients.size).toBe(0);
    agent.destroy();
  });

  it('at close destroys, after the grace, the socket of a client that does not read its end', async () => {
    const { clients, server, url } = await serve({ closeGraceMs: 50, maxBufferedBytes: 64 * 1024 * 1024 });
    const stalled = await listen(url);
    stalled.answer.pause();
    await eventually(() => clients.size === 1);
    // Fills the socket so the end cannot be written.
    const payload = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 256; i++) clients.send('filler', payload);

    const start = Date.now();
    clients.close();
    await closed(server);

    expect(Date.now() - start).toBeGreaterThanOrEqual(40);
    expect(Date.now() - start).toBeLessThan(900);
  });

  it('refuses a stream once closed', async () => {
    const { clients, url } = await serve();
    clients.close();
    const client = await listen(url);
    expect(client.answer.statusCode).toBe(503);
    expect(clients.size).toBe(0);
  });
});
