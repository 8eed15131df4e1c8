import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The repository root (bench/dist/bench/lib → four levels up). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Compiled bench scripts (bench/dist/bench). */
export const BENCH_DIST = join(REPO_ROOT, 'bench', 'dist', 'bench');

/** The production build of the server. */
export const SERVER_MAIN = join(REPO_ROOT, 'dist', 'main.js');

/** Where results are written. */
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/** Where `--cpu-prof` profiles are written. */
export const PROFILES_DIR = join(REPO_ROOT, 'bench', 'profiles');
