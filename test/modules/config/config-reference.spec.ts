import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { format, resolveConfig } from 'prettier';
import {
  configurationVariables,
  renderConfigurationReference,
} from '../../../src/modules/config/config-reference.js';
import { serverEnvSchema } from '../../../src/modules/config/index.js';

const REFERENCE = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

describe('configuration reference', () => {
  it('docs/configuration.md is what `npm run docs:config` generates from the schema (run it if this fails)', async () => {
    const expected = await format(renderConfigurationReference(), {
      ...(await resolveConfig(REFERENCE)),
      filepath: REFERENCE,
    });
    expect(await readFile(REFERENCE, 'utf8')).toBe(expected);
  });

  it('describes every variable, and states the default of every variable that has one', () => {
    const variables = configurationVariables();
    expect(variables.map((v) => v.name)).toEqual(Object.keys(serverEnvSchema.shape));
    for (const variable of variables) {
      expect(variable.accepts.length).toBeGreaterThan(10);
      const parsed =
        serverEnvSchema.shape[variable.name as keyof typeof serverEnvSchema.shape].safeParse(undefined);
      const hasDefault = parsed.success && parsed.data !== undefined;
      if (hasDefault)
        expect({ name: variable.name, defaultValue: variable.defaultValue }).toEqual({
          name: variable.name,
          defaultValue: expect.any(String),
        });
    }
  });
});
