import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject } from '@nestjs/common';

/** Options of the {@link WebUiModule}. */
export interface WebUiOptions {
  /** The directory `vite build` wrote the UI to. Default `dist/ui` of the opamp-nest package. */
  readonly root: string;
}

/** DI token of the {@link WebUiOptions}. */
export const WEB_UI_OPTIONS = 'OPAMP:WEB_UI_OPTIONS';

/** Injects the {@link WebUiOptions}. */
export const InjectWebUiOptions = (): ParameterDecorator => Inject(WEB_UI_OPTIONS);

/**
 * `dist/ui` of the package this file belongs to: the nearest directory above it holding a `package.json`.
 * The same from `src/` (tests) and from `dist/` (`npm start`).
 */
export function defaultWebUiRoot(from: string = fileURLToPath(import.meta.url)): string {
  let directory = dirname(from);
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return join(dirname(from), 'ui');
    directory = parent;
  }
  return join(directory, 'dist', 'ui');
}
