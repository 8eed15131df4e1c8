import { type IncomingHttpHeaders } from 'node:http';
import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { type AgentConnection } from '../session/index.js';

let nextId = 0;

/** The agent side of one HTTP request: replies go in the response; nothing can be pushed. */
export class HttpAgentConnection implements AgentConnection {
  readonly id = `http-${++nextId}`;
  readonly transport = 'http' as const;
  readonly canPush = false;

  constructor(
    readonly remoteAddress: string,
    readonly headers: IncomingHttpHeaders,
  ) {}

  push(_message: ServerToAgent): Promise<void> {
    return Promise.reject(new Error('an HTTP agent receives messages only in replies to its requests'));
  }

  close(): void {}
}
