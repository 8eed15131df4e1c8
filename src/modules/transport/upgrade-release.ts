import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Socket } from 'node:net';
import { type WebSocket } from 'ws';

/**
 * Lets go of what the WebSocket upgrade left attached to an accepted socket, so that an agent's socket
 * keeps only the `ws` objects and ours, not the upgrade's request and response for as long as it is open.
 * `@fastify/websocket` routes the upgrade through Fastify with a `ServerResponse` assigned to the TCP socket
 * (`socket._httpMessage`, which holds the `IncomingMessage`, its raw headers and the upgrade head), and
 * adds an `error` listener to the WebSocket whose closure holds Fastify's request and reply: about 2 KiB
 * per agent, measured with heap snapshots (`bench/README.md`, memory per agent). The caller must add an
 * `error` listener of its own afterwards (an `error` event with no listener would throw).
 */
export function releaseUpgrade(socket: WebSocket, request: IncomingMessage): void {
  socket.removeAllListeners('error');
  const tcp = request.socket as Socket & { _httpMessage?: ServerResponse | null };
  // `detachSocket` is what Node's own HTTP server calls when a response is done with its socket.
  const response = tcp._httpMessage;
  if (response?.socket === tcp) response.detachSocket(tcp);
}
