import { describe, expect, it } from '@jest/globals';
import { newInstanceUid, ownBytes } from '../../../src/modules/protocol/index.js';

const ownsItsMemory = (bytes: Uint8Array): boolean => bytes.byteLength === bytes.buffer.byteLength;

describe('ownBytes', () => {
  it('copies a pooled slice into memory of its own', () => {
    const pooled = Buffer.from('a hash of 32 bytes, give or take');
    expect(ownsItsMemory(pooled)).toBe(false);
    const own = ownBytes(pooled);
    expect(own.equals(pooled)).toBe(true);
    expect(ownsItsMemory(own)).toBe(true);
  });

  it('makes instance uids that own their 16 bytes', () => {
    const uid = newInstanceUid();
    expect(uid).toHaveLength(16);
    expect(ownsItsMemory(uid)).toBe(true);
  });
});
