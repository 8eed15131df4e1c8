import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { README_PATH, REGION_END, REGION_START, updatedReadme } from '../../bench/lib/readme-region.js';

describe('bench/README.md results', () => {
  it('its generated region is what `npm run bench:report` writes from bench/results (run it if this fails)', async () => {
    const readme = await readFile(README_PATH, 'utf8');
    expect(readme).toContain(REGION_START);
    expect(readme).toContain(REGION_END);
    expect(readme).toBe(await updatedReadme(readme));
  });
});
