import { readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';

/** The labels of `opamp_build_info`. */
export interface BuildInfo {
  /** opamp-nest's version, from its package.json; `unknown` when the file cannot be read. */
  readonly version: string;
  /** `process.version`, e.g. `v20.20.0`. */
  readonly node_version: string;
  /** `OPAMP_BUILD_COMMIT` when the image sets it (the server runs no git); absent otherwise. */
  readonly commit?: string;
}

/** The package.json of opamp-nest: three levels up from `src/modules/metrics/` and `dist/modules/metrics/`. */
const PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

function packageVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
    return typeof version === 'string' && version !== '' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Reads the build labels (package.json once per call: call it once, at start). */
export function readBuildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  const commit = env.OPAMP_BUILD_COMMIT?.trim();
  return {
    version: packageVersion(),
    node_version: process.version,
    ...(commit ? { commit } : {}),
  };
}

/** Registers `opamp_build_info{version,node_version[,commit]}`, always 1. */
export function registerBuildInfo(registry: Registry, info: BuildInfo = readBuildInfo()): void {
  new Gauge({
    name: 'opamp_build_info',
    help: 'Always 1; the labels say which opamp-nest (version; commit from OPAMP_BUILD_COMMIT) runs on which Node.js.',
    labelNames: Object.keys(info),
    registers: [registry],
    collect() {
      this.set({ ...info }, 1);
    },
  });
}
