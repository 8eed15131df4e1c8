/**
 * `npm run bench:report`: rewrites the generated region of bench/README.md from bench/results/latest.json and
 * latest-quick.json (one source for the tables; `test/bench/readme-region.spec.ts` fails when it is stale).
 * `npm run bench` runs it after writing its results.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { README_PATH, updatedReadme } from './lib/readme-region.js';

const before = readFileSync(README_PATH, 'utf8');
const after = await updatedReadme(before);
if (after !== before) writeFileSync(README_PATH, after);
process.stderr.write(
  `bench: ${after === before ? 'bench/README.md already current' : 'rewrote bench/README.md'}\n`,
);
