import { describe, expect, it } from '@jest/globals';
import { AgentSession } from '../../../src/modules/session/agent-session.js';
import { ConnectionSessions } from '../../../src/modules/session/connection-sessions.js';
import { FakeConnection } from '../../support/fake-connection.js';

const sessionOf = (byte: number): AgentSession =>
  new AgentSession(Buffer.alloc(16, byte), new FakeConnection(), 0);

describe('ConnectionSessions', () => {
  it('returns the one session of a connection when it closes, and forgets the connection', () => {
    const sessions = new ConnectionSessions();
    const agent = sessionOf(1);
    sessions.add('ws-1', agent);
    sessions.add('ws-1', agent);

    expect(sessions.take('ws-1')).toEqual([agent]);
    expect(sessions.take('ws-1')).toEqual([]);
    expect(sessions.size).toBe(0);
  });

  it('returns every agent seen on a shared connection, less those that ended before', () => {
    const sessions = new ConnectionSessions();
    const [a, b, c] = [sessionOf(1), sessionOf(2), sessionOf(3)];
    for (const session of [a, b, c]) sessions.add('ws-1', session);
    sessions.add('ws-2', a);
    sessions.delete('ws-1', b);

    expect(sessions.take('ws-1')).toEqual([a, c]);
    expect(sessions.take('ws-2')).toEqual([a]);
  });

  it('forgets a connection whose sessions all ended, and ignores a session it never had', () => {
    const sessions = new ConnectionSessions();
    const [a, b] = [sessionOf(1), sessionOf(2)];
    sessions.add('ws-1', a);
    sessions.delete('ws-1', b);
    expect(sessions.size).toBe(1);
    sessions.delete('ws-1', a);
    expect(sessions.size).toBe(0);

    sessions.add('ws-2', a);
    sessions.add('ws-2', b);
    sessions.delete('ws-2', a);
    sessions.delete('ws-2', b);
    expect(sessions.size).toBe(0);
  });
});
