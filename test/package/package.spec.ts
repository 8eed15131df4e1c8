import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = `${ROOT}node_modules/typescript/bin/tsc`;

/** What `npm publish` would ship: dist, docs, deploy manifests and metadata, nothing else. */
const SHIPPED = /^(dist\/.+\.(js|d\.ts)|docs\/.+\.md|deploy\/.+\.yaml|README\.md|package\.json|LICENSE)$/;

describe('the published package', () => {
  beforeAll(async () => {
    await run(process.execPath, ['scripts/build-if-stale.mjs', 'server'], { cwd: ROOT });
  }, 120_000);

  it('npm pack holds only dist, docs, deploy manifests and metadata, with every entry the exports map names', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    const files = pack!.files.map((file) => file.path);
    expect(files.filter((file) => !SHIPPED.test(file))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
        'dist/plugins/odigos/index.js',
        'dist/plugins/odigos/index.d.ts',
        'dist/client/index.js',
        'dist/client/index.d.ts',
        'docs/plugins.md',
        'docs/architecture.md',
      ]),
    );
    expect(
      files.some((file) => /(^|\/)(test|bench|tools|src)\//.test(file) && !file.startsWith('dist/')),
    ).toBe(false);
  });

  it('loads by its name through the exports map: the entry, the testing helpers, the Odigos plugin and the client', async () => {
    const script = `
      const core = await import('opamp-nest');
      const testing = await import('opamp-nest/testing');
      const odigos = await import('opamp-nest/odigos');
      const client = await import('opamp-nest/client');
      console.log(JSON.stringify([typeof core.OpampModule, typeof testing.startOpampTestApp, typeof odigos.OdigosPluginModule, typeof client.createAdminClient]));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual(['function', 'function', 'function', 'function']);
  });

  it('the example plugin compiles against the built package, importing opamp-nest by name', async () => {
    const compiled = await run(process.execPath, [TSC, '-p', 'examples/tenant-plugin/tsconfig.json'], {
      cwd: ROOT,
    }).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string }) => ({ ok: false, output: error.stdout ?? '' }),
    );
    expect(compiled).toEqual({ ok: true, output: '' });
  }, 60_000);
});
