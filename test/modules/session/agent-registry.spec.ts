import { describe, expect, it } from '@jest/globals';
import { AgentRegistry } from '../../../src/modules/session/agent-registry.js';
import { AgentSession } from '../../../src/modules/session/agent-session.js';
import { FakeConnection } from '../../support/fake-connection.js';
import { type TransportKind } from '../../../src/plugin-api/index.js';

const sessionOf = (byte: number, transport: TransportKind): AgentSession =>
  new AgentSession(Buffer.alloc(16, byte), new FakeConnection(transport), 0);

/** What a pass over every session would count: the counts must always agree with it. */
const counted = (registry: AgentRegistry): Record<TransportKind, number> => ({
  http: registry.list().filter((s) => s.transport === 'http').length,
  websocket: registry.list().filter((s) => s.transport === 'websocket').length,
});
const counts = (registry: AgentRegistry): Record<TransportKind, number> => ({
  http: registry.countOf('http'),
  websocket: registry.countOf('websocket'),
});

describe('AgentRegistry counts by transport', () => {
  it('counts sessions as they come and go, a removal of an absent session changing nothing', () => {
    const registry = new AgentRegistry();
    const [ws1, ws2, http] = [sessionOf(1, 'websocket'), sessionOf(2, 'websocket'), sessionOf(3, 'http')];
    for (const session of [ws1, ws2, http]) registry.add(session);
    registry.add(ws1);
    expect(counts(registry)).toEqual({ http: 1, websocket: 2 });

    expect(registry.remove(ws2)).toBe(true);
    expect(registry.remove(ws2)).toBe(false);
    expect(counts(registry)).toEqual({ http: 1, websocket: 1 });
    expect(counts(registry)).toEqual(counted(registry));
  });

  it('moves a session between transports, and a session not registered only changes its own transport', () => {
    const registry = new AgentRegistry();
    const agent = sessionOf(1, 'http');
    registry.add(agent);
    registry.setTransport(agent, 'websocket');
    registry.setTransport(agent, 'websocket');
    expect(counts(registry)).toEqual({ http: 0, websocket: 1 });

    const gone = sessionOf(2, 'http');
    registry.setTransport(gone, 'websocket');
    expect(gone.transport).toBe('websocket');
    expect(counts(registry)).toEqual({ http: 0, websocket: 1 });
    registry.remove(agent);
    expect(counts(registry)).toEqual({ http: 0, websocket: 0 });
  });

  it('keeps the counts through a re-key and a session that replaces another under the same uid', () => {
    const registry = new AgentRegistry();
    const agent = sessionOf(1, 'websocket');
    registry.add(agent);
    const previousKey = agent.key;
    agent.assignUid(Buffer.alloc(16, 9));
    registry.rekey(agent, previousKey);
    expect(registry.size).toBe(1);
    expect(counts(registry)).toEqual({ http: 0, websocket: 1 });

    registry.add(sessionOf(9, 'http'));
    expect(registry.size).toBe(1);
    expect(counts(registry)).toEqual({ http: 1, websocket: 0 });
    expect(counts(registry)).toEqual(counted(registry));
  });
});
