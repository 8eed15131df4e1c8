import { describe, expect, it } from '@jest/globals';
import { AgentToServer } from '../../../src/generated/opamp/v1/opamp.js';
import { anyValueDepthBomb, healthDepthBomb } from './protobuf-bytes.js';

describe('hand-written protobuf for fuzzing', () => {
  it('builds depth bombs that decode at a shallow depth and nest as deep as asked', () => {
    const uid = Buffer.from('u');
    const value = AgentToServer.decode(anyValueDepthBomb(uid, 3)).agentDescription!.identifyingAttributes[0]!
      .value;
    let depth = 0;
    for (let v = value; v?.value?.$case === 'arrayValue'; v = v.value.value.values[0]) depth++;
    expect(depth).toBe(3);
    const health = AgentToServer.decode(healthDepthBomb(uid, 2)).health!;
    expect(health.componentHealthMap.c!.componentHealthMap.c!.healthy).toBe(true);
    expect(() => AgentToServer.decode(anyValueDepthBomb(uid, 200))).toThrow(/recursion limit/);
    expect(anyValueDepthBomb(uid, 20_000).length).toBeGreaterThan(80_000);
  });
});
