// Builds what the benchmarks run, only when it is older than its sources: the server (`dist/`, from
// `src/`) and the bench scripts (`bench/dist/`, from `bench/`, `test/support/` and `src/`).
// Used by `npm run bench`, `npm run fuzz` and `npm run soak`; with the argument `server`, only `dist/` (the
// package tests build what `npm pack` would ship).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function newest(dir, skip = new Set()) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path, skip) : statSync(path).mtimeMs);
  }
  return time;
}

function build(what, output, sources, project) {
  const built = existsSync(output) ? statSync(output).mtimeMs : 0;
  if (built >= Math.max(...sources)) return;
  process.stderr.write(`building ${what} ...\n`);
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}

const src = newest(join(root, 'src'));
build('the server (dist/)', join(root, 'dist', 'main.js'), [src], 'tsconfig.build.json');
if (process.argv[2] === 'server') process.exit(0);
build(
  'the bench scripts (bench/dist/)',
  join(root, 'bench', 'dist', 'bench', 'run.js'),
  [
    src,
    // README.md is written by `npm run bench` itself: not a source.
    newest(join(root, 'bench'), new Set(['dist', 'results', 'profiles', 'README.md'])),
    newest(join(root, 'test', 'support')),
  ],
  'bench/tsconfig.json',
);
