import { type IncomingHttpHeaders } from 'node:http';
import { type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import { type AgentConnection } from '../session/index.js';

let nextId = 0;
const RELEASED: IncomingHttpHeaders = Object.freeze({});

/** The agent side of one HTTP request: replies go in the response; nothing can be pushed. */
export class HttpAgentConnection implements AgentConnection {
  private readonly serial = ++nextId;
  private name?: string;
  readonly transport = 'http' as const;
  readonly canPush = false;
  private requestHeaders: IncomingHttpHeaders;

  constructor(
    readonly remoteAddress: string,
    headers: IncomingHttpHeaders,
  ) {
    this.requestHeaders = headers;
  }

  /** `http-<n>`, made when first asked for (most requests never need it). */
  get id(): string {
    return (this.name ??= `http-${this.serial}`);
  }

  /** The request's headers while it is served; empty once {@link release}d. */
  get headers(): IncomingHttpHeaders {
    return this.requestHeaders;
  }

  /**
   * The request was answered: its headers are let go, so a session that remembers its last poll keeps
   * only the address and id (not a request's worth of strings per agent).
   */
  release(): void {
    this.requestHeaders = RELEASED;
  }

  push(_message: ServerToAgent): Promise<void> {
    return Promise.reject(new Error('an HTTP agent receives messages only in replies to its requests'));
  }

  close(): void {}
}
