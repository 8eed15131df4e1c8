import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The boundary rule's findings for `code` placed at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'boundaries/dependencies')
    .map((message) => message.message);
}

describe('the import rule that keeps the plugin boundary (eslint, run by CI)', () => {
  it('fails a core file that imports the Odigos plugin', async () => {
    const errors = await boundaryErrors(
      'src/modules/session/leak.ts',
      "import { OdigosPlugin } from '../../plugins/odigos/odigos.plugin.js';\nexport const leak = OdigosPlugin;\n",
    );
    expect(errors).toEqual(['the core never imports a built-in plugin, the public entry or the server app']);
  });

  it('fails a core file that imports the public entry or the server app (they sit above the core)', async () => {
    const errors = await boundaryErrors(
      'src/modules/fleet/leak.ts',
      "import { OpampModule } from '../../index.js';\nimport { AppModule } from '../../app.module.js';\nexport const leak = [OpampModule, AppModule];\n",
    );
    expect(errors).toHaveLength(2);
  });

  it('fails a plugin API file that imports the core', async () => {
    const errors = await boundaryErrors(
      'src/plugin-api/leak.types.ts',
      "import { type AgentSession } from '../modules/session/index.js';\nexport type Leak = AgentSession;\n",
    );
    expect(errors).toEqual(['the plugin API is types only and imports nothing from the server']);
  });

  it('fails a built-in plugin that reaches into a core module instead of the public entry', async () => {
    const errors = await boundaryErrors(
      'src/plugins/odigos/leak.ts',
      "import { AgentRegistry } from '../../modules/session/index.js';\nexport const leak = AgentRegistry;\n",
    );
    expect(errors).toEqual([
      'a built-in plugin imports the core only through the public entry (src/index.ts)',
    ]);
  });

  it('lets a built-in plugin use the public entry, and the core use its own modules', async () => {
    expect(
      await boundaryErrors(
        'src/plugins/odigos/fine.ts',
        "import { OpampAgents } from '../../index.js';\nexport const fine = OpampAgents;\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'src/modules/fleet/fine.ts',
        "import { OpampPlugin } from '../plugins/index.js';\nexport const fine = OpampPlugin;\n",
      ),
    ).toEqual([]);
  });

  it('leaves no convention in the core: no file under src/modules or src/plugin-api names Odigos or its resources', async () => {
    const offenders: string[] = [];
    for (const folder of ['src/modules', 'src/plugin-api', 'src/common']) {
      for (const entry of await readdir(join(ROOT, folder), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        const text = await readFile(path, 'utf8');
        if (/odigos|odiglet|instrumentationinstance|instrumentationconfig/i.test(text)) offenders.push(path);
      }
    }
    expect(offenders).toEqual([]);
  });
});
