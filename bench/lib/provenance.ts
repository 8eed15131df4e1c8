import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

/** Which code a result measured: the commit checked out and whether the tree differed from it. */
export interface Provenance {
  /** `git rev-parse HEAD`, or `unknown` outside a git checkout. */
  readonly commit: string;
  /** `git status --porcelain` printed anything: the measured code may not be the commit. */
  readonly dirty: boolean;
  /** The first lines of `git status --porcelain` (at most 20). */
  readonly dirtyFiles: readonly string[];
}

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** The commit and the state of the working tree now. */
export function provenance(): Provenance {
  try {
    const commit = git('rev-parse', 'HEAD').trim();
    const status = git('status', '--porcelain')
      .split('\n')
      .filter((line) => line.trim() !== '');
    return { commit, dirty: status.length > 0, dirtyFiles: status.slice(0, 20) };
  } catch {
    return { commit: 'unknown', dirty: true, dirtyFiles: ['(not a git checkout)'] };
  }
}
