import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './ui-build.js';

/**
 * Where the browser tests write their screenshots, created if missing: `docs/images/` (the pictures of the
 * README and docs/) only with `UPDATE_DOCS_SCREENSHOTS=1`, else the git-ignored `reports/screenshots/`, so
 * an ordinary run leaves the committed pictures alone.
 */
export function screenshotsDir(): string {
  const dir =
    process.env.UPDATE_DOCS_SCREENSHOTS === '1'
      ? join(REPO_ROOT, 'docs', 'images')
      : join(REPO_ROOT, 'reports', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
