// Writes docs/configuration.md from the configuration schemas, formatted as `prettier --check` expects.
// Run through `npm run docs:config`, which builds first: this script reads the compiled renderer from dist/.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { renderServerConfigurationReference } from '../dist/configuration-reference.js';

const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const options = { ...(await resolveConfig(target)), filepath: target };
await writeFile(target, await format(renderServerConfigurationReference(), options));
process.stdout.write(`wrote ${target}\n`);
