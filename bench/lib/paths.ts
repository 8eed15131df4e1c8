import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The first directory above `from` holding a package.json. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The repository root, whether this runs compiled (bench/dist/bench/lib) or from source (bench/lib, tests). */
export const REPO_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

/** Compiled bench scripts (bench/dist/bench). */
export const BENCH_DIST = join(REPO_ROOT, 'bench', 'dist', 'bench');

/** The production build of the server. */
export const SERVER_MAIN = join(REPO_ROOT, 'dist', 'main.js');

/** Where results are written. */
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** Where `--cpu-prof` profiles are written. */
export const PROFILES_DIR = join(REPO_ROOT, 'bench', 'profiles');
