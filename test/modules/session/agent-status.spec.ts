import { describe, expect, it } from '@jest/globals';
import { AgentCapabilities, AgentToServer } from '../../../src/generated/opamp/v1/opamp.js';
import { bitmask } from '../../../src/modules/protocol/index.js';
import { type AgentStatus } from '../../../src/plugin-api/index.js';
import { carriesFullState, isSequenceGap, mergeAgentStatus } from '../../../src/modules/session/index.js';
import { agentToServer, description, encodeAgentToServer } from '../../support/opamp-messages.js';

describe('status compression', () => {
  it('replaces a reported sub-message whole and keeps omitted ones', () => {
    const status: AgentStatus = {};
    mergeAgentStatus(
      status,
      agentToServer({ agentDescription: description('a'), health: { healthy: true } }),
    );
    const changed = mergeAgentStatus(
      status,
      agentToServer({ health: { healthy: false, lastError: 'boom' } }),
    );
    expect(changed).toEqual(['health']);
    expect(status.description).toEqual(description('a'));
    expect(status.health).toEqual(expect.objectContaining({ healthy: false, lastError: 'boom' }));
  });

  it('stores a changed value with bytes of its own and keeps the stored value when an equal one arrives', () => {
    const status: AgentStatus = {};
    const report = (hash: string): AgentToServer =>
      AgentToServer.decode(
        encodeAgentToServer({
          instanceUid: Buffer.alloc(16, 1),
          remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(hash), status: 1, errorMessage: '' },
        }),
      );
    expect(mergeAgentStatus(status, report('first'))).toEqual(['remoteConfigStatus']);
    const stored = status.remoteConfigStatus!;
    const hash = stored.lastRemoteConfigHash;
    expect(hash.byteLength).toBe(hash.buffer.byteLength);
    expect(mergeAgentStatus(status, report('first'))).toEqual([]);
    expect(status.remoteConfigStatus).toBe(stored);
    expect(mergeAgentStatus(status, report('second'))).toEqual(['remoteConfigStatus']);
    expect(Buffer.from(status.remoteConfigStatus!.lastRemoteConfigHash).toString()).toBe('second');
  });

  it('compares by value, including bytes', () => {
    const status: AgentStatus = {};
    const report = { lastRemoteConfigHash: Buffer.from('abc'), status: 1, errorMessage: '' };
    mergeAgentStatus(status, agentToServer({ remoteConfigStatus: report }));
    expect(
      mergeAgentStatus(
        status,
        agentToServer({ remoteConfigStatus: { ...report, lastRemoteConfigHash: Buffer.from('abc') } }),
      ),
    ).toEqual([]);
    expect(
      mergeAgentStatus(
        status,
        agentToServer({ remoteConfigStatus: { ...report, lastRemoteConfigHash: Buffer.from('abd') } }),
      ),
    ).toEqual(['remoteConfigStatus']);
  });
});

describe('full state', () => {
  const caps = bitmask(
    AgentCapabilities.AgentCapabilities_ReportsHealth,
    AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig,
  );

  it('needs a description and every field the capabilities promise', () => {
    expect(carriesFullState(agentToServer({}))).toBe(false);
    expect(carriesFullState(agentToServer({ agentDescription: description('a') }))).toBe(true);
    expect(
      carriesFullState(agentToServer({ capabilities: caps, agentDescription: description('a'), health: {} })),
    ).toBe(false);
    expect(
      carriesFullState(
        agentToServer({
          capabilities: caps,
          agentDescription: description('a'),
          health: {},
          effectiveConfig: {},
        }),
      ),
    ).toBe(true);
  });

  it('sees a gap only when a number is neither the next nor a retry', () => {
    expect(isSequenceGap(undefined, 9n)).toBe(false);
    expect(isSequenceGap(3n, 4n)).toBe(false);
    expect(isSequenceGap(3n, 3n)).toBe(false);
    expect(isSequenceGap(3n, 5n)).toBe(true);
    expect(isSequenceGap(3n, 0n)).toBe(true);
  });
});
