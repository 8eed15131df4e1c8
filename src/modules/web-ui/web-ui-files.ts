import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Content types of the files `vite build` writes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** A file of the built UI, read into memory. */
export interface WebUiFile {
  readonly body: Buffer;
  readonly contentType: string;
  /** `vite build` names the files under `assets/` by their content hash: they never change. */
  readonly immutable: boolean;
}

/**
 * The files of the built UI under one root. A request path maps to a file under the root only: `..`, encoded
 * separators, NUL bytes and dot files are refused (answered as not found), so nothing outside is ever read.
 */
export class WebUiFiles {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** True once `vite build` wrote the UI (its `index.html` exists). */
  async built(): Promise<boolean> {
    return (await this.read('/index.html')) !== undefined;
  }

  /** The file at a URL path (already percent-decoded by the caller or not), or undefined. */
  async read(urlPath: string): Promise<WebUiFile | undefined> {
    const relative = safeRelativePath(urlPath);
    if (relative === undefined) return undefined;
    const path = join(this.root, relative);
    if (!path.startsWith(this.root + sep)) return undefined;
    try {
      if (!(await stat(path)).isFile()) return undefined;
      const body = await readFile(path);
      const extension = extname(path).toLowerCase();
      return {
        body,
        contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
        immutable: relative.startsWith(`assets${sep}`),
      };
    } catch {
      return undefined;
    }
  }
}

/** The path below the root a URL path names, or undefined for anything that could leave it. */
export function safeRelativePath(urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  if (segments.length === 0) return undefined;
  return normalize(segments.join(sep));
}
