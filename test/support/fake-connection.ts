import { type ServerToAgent } from '../../src/generated/opamp/v1/opamp.js';
import { type TransportKind } from '../../src/plugin-api/index.js';
import { type AgentConnection } from '../../src/modules/session/index.js';

let nextId = 0;

/** An in-memory AgentConnection for pipeline unit tests: records pushes and closes. */
export class FakeConnection implements AgentConnection {
  readonly id = `fake-${++nextId}`;
  readonly remoteAddress = '127.0.0.1';
  readonly headers: Record<string, string> = {};
  readonly pushed: ServerToAgent[] = [];
  closed?: { code: number; reason: string };

  constructor(readonly transport: TransportKind = 'websocket') {}

  get canPush(): boolean {
    return this.transport === 'websocket' && !this.closed;
  }

  async push(message: ServerToAgent): Promise<void> {
    this.pushed.push(message);
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
}

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
