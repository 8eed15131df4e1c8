import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  AgentCapabilities,
  CommandType,
  ServerToAgent,
  ServerToAgentFlags,
} from '../../../src/generated/opamp/v1/opamp.js';
import {
  acceptsGzip,
  agentCapabilityNames,
  bitmask,
  formatInstanceUid,
  instanceUidKey,
  newInstanceUid,
  restrictToAgentCapabilities,
} from '../../../src/modules/protocol/index.js';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.2', true],
    ['*', true],
    ['deflate, *;q=0.1', true],
    ['gzip;q=0', false],
    ['*, gzip;q=0', false],
    ['identity', false],
    ['', false],
    [undefined, false],
  ])('%p → %p', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('instance uids', () => {
  it('shows 16 bytes as a UUID, printable text as text, other bytes as hex', () => {
    expect(formatInstanceUid(Buffer.from('0192f0e06a4a7c4b8a3e2f1d0c9b8a79', 'hex'))).toBe(
      '0192f0e0-6a4a-7c4b-8a3e-2f1d0c9b8a79',
    );
    expect(formatInstanceUid(Buffer.from('0192a0e4-7c1e-7b3a-9a55-3f3c2b1a0e9d'))).toBe(
      '0192a0e4-7c1e-7b3a-9a55-3f3c2b1a0e9d',
    );
    expect(formatInstanceUid(Buffer.from([0, 1, 255]))).toBe('0001ff');
  });

  it('keys equal bytes equally and different bytes differently', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        expect(instanceUidKey(a) === instanceUidKey(b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
    );
  });

  it('generates distinct 16-byte UUIDv7s', () => {
    const uids = Array.from({ length: 100 }, () => newInstanceUid());
    expect(new Set(uids.map((u) => u.toString('hex'))).size).toBe(100);
    for (const uid of uids) expect(uid[6]! >> 4).toBe(7);
  });
});

describe('capabilities', () => {
  it('names the bits of an agent capability mask', () => {
    const mask = bitmask(
      AgentCapabilities.AgentCapabilities_ReportsStatus,
      AgentCapabilities.AgentCapabilities_ReportsHealth,
    );
    expect(agentCapabilityNames(mask)).toEqual(['ReportsStatus', 'ReportsHealth']);
  });

  it('strips from a reply everything the agent cannot accept', () => {
    const reply = ServerToAgent.fromPartial({
      instanceUid: Buffer.from('a'),
      remoteConfig: { configHash: Buffer.from('h') },
      command: { type: CommandType.CommandType_Restart },
      packagesAvailable: { allPackagesHash: Buffer.from('p') },
      connectionSettings: {
        opamp: { heartbeatIntervalSeconds: 30n },
        ownMetrics: { destinationEndpoint: 'x' },
      },
      customMessage: { capability: 'com.example.pause', type: 't' },
      flags: BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents),
    });
    const removed = restrictToAgentCapabilities(reply, 0n, []);
    expect(removed).toHaveLength(7);
    expect(reply).toEqual(ServerToAgent.fromPartial({ instanceUid: Buffer.from('a') }));
  });

  it('keeps what the agent accepts', () => {
    const reply = ServerToAgent.fromPartial({
      instanceUid: Buffer.from('a'),
      remoteConfig: { configHash: Buffer.from('h') },
      connectionSettings: { opamp: { heartbeatIntervalSeconds: 30n } },
      customMessage: { capability: 'com.example.pause', type: 't' },
    });
    const caps = bitmask(
      AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
      AgentCapabilities.AgentCapabilities_ReportsHeartbeat,
    );
    expect(restrictToAgentCapabilities(reply, caps, ['com.example.pause'])).toEqual([]);
    expect(reply.remoteConfig).toBeDefined();
    expect(reply.connectionSettings?.opamp?.heartbeatIntervalSeconds).toBe(30n);
    expect(reply.customMessage).toBeDefined();
  });
});
