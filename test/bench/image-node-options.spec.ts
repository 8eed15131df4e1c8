import { describe, expect, it } from '@jest/globals';
import { imageNodeOptions } from '../../bench/lib/image-node-options.js';

describe('imageNodeOptions (the flags benchmarks start the server with)', () => {
  it("reads the image's NODE_OPTIONS from the Dockerfile", () => {
    expect(imageNodeOptions()).toEqual(['--max-semi-space-size=16']);
  });

  it('reads a quoted value with several flags, or an unquoted one', () => {
    expect(imageNodeOptions('FROM x\nENV NODE_OPTIONS="--a=1  --b"\nCMD ["node"]\n')).toEqual([
      '--a=1',
      '--b',
    ]);
    expect(imageNodeOptions('ENV NODE_OPTIONS=--a=1\n')).toEqual(['--a=1']);
  });

  it('gives no flag when the Dockerfile sets none', () => {
    expect(imageNodeOptions('FROM x\nENV NODE_ENV=production\n')).toEqual([]);
  });
});
