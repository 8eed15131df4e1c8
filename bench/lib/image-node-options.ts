import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * The Node and V8 flags the image starts the server with (`ENV NODE_OPTIONS=...` in the Dockerfile), read
 * from the Dockerfile itself so that a benchmark measures the server as it ships and cannot drift from it.
 */
export function imageNodeOptions(dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')): string[] {
  const match = /^ENV\s+NODE_OPTIONS=(?:"([^"]*)"|(\S*))\s*$/m.exec(dockerfile);
  const value = match?.[1] ?? match?.[2] ?? '';
  return value.split(/\s+/).filter((flag) => flag !== '');
}
