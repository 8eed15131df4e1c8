import { describe, expect, it } from '@jest/globals';
import { AgentToServer } from '../../../src/generated/opamp/v1/opamp.js';
import { detachBytes, newInstanceUid, ownBytes } from '../../../src/modules/protocol/index.js';
import { encodeAgentToServer } from '../../support/opamp-messages.js';

const ownsItsMemory = (bytes: Uint8Array): boolean => bytes.byteLength === bytes.buffer.byteLength;

describe('ownBytes / detachBytes', () => {
  it('copies a pooled slice into memory of its own', () => {
    const pooled = Buffer.from('a hash of 32 bytes, give or take');
    expect(ownsItsMemory(pooled)).toBe(false);
    const own = ownBytes(pooled);
    expect(own.equals(pooled)).toBe(true);
    expect(ownsItsMemory(own)).toBe(true);
  });

  it('detaches every byte field of a decoded message, nested ones included, and leaves the rest', () => {
    const message = AgentToServer.decode(
      encodeAgentToServer({
        instanceUid: Buffer.alloc(16, 1),
        remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(32, 2), status: 1, errorMessage: 'e' },
        effectiveConfig: {
          configMap: { configMap: { 'a.yaml': { body: Buffer.from('x: 1'), contentType: 't' } } },
        },
      }),
    );
    expect(ownsItsMemory(message.remoteConfigStatus!.lastRemoteConfigHash)).toBe(false);
    const before = AgentToServer.toJSON(message);
    detachBytes(message);
    expect(AgentToServer.toJSON(message)).toEqual(before);
    expect(ownsItsMemory(message.instanceUid)).toBe(true);
    expect(ownsItsMemory(message.remoteConfigStatus!.lastRemoteConfigHash)).toBe(true);
    expect(ownsItsMemory(message.effectiveConfig!.configMap!.configMap['a.yaml']!.body)).toBe(true);
  });

  it('makes instance uids that own their 16 bytes', () => {
    const uid = newInstanceUid();
    expect(uid).toHaveLength(16);
    expect(ownsItsMemory(uid)).toBe(true);
  });
});
