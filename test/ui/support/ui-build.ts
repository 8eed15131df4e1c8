import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first directory above `from` holding a package.json (the bench runs this file compiled, elsewhere). */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The repository root. */
export const REPO_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
const UI_SOURCES = join(REPO_ROOT, 'ui');
const UI_INDEX = join(REPO_ROOT, 'dist', 'ui', 'index.html');

function newestMtime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const BUILD_LOCK = join(REPO_ROOT, 'dist', '.ui-build.lock');
/** A build takes seconds; a lock this old was left by a process that died. */
const STALE_LOCK_MS = 180_000;

const uiIsFresh = (): boolean =>
  existsSync(UI_INDEX) && statSync(UI_INDEX).mtimeMs >= newestMtime(UI_SOURCES);

/**
 * Runs `build` holding a lock directory, so browser specs in parallel Jest workers build the UI once: a second
 * build would empty dist/ui under the first spec's pages.
 */
function withBuildLock(build: () => void): void {
  mkdirSync(dirname(BUILD_LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const lock = statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS)
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    build();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** Builds the UI into dist/ui (`npm run build:ui`) when it is missing or older than a file under ui/. */
export function ensureUiBuilt(): void {
  if (uiIsFresh()) return;
  withBuildLock(buildUnlessFresh);
}

function buildUnlessFresh(): void {
  // Another worker may have built it while this one waited for the lock.
  if (uiIsFresh()) return;
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'ui/vite.config.ts'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `building the web UI failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

/** Makes sure Chromium is installed (scripts/ensure-chromium.mjs); fails with its message when it cannot be. */
export function ensureChromium(): string {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/ensure-chromium.mjs')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(result.stderr || `scripts/ensure-chromium.mjs exited with ${result.status}`);
  return result.stdout.replace(/^chromium: /, '').trim();
}
