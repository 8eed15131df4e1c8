import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { format, resolveConfig } from 'prettier';
import {
  CONFIGURATION_SECTIONS,
  renderServerConfigurationReference,
} from '../../../src/configuration-reference.js';
import { configurationVariables } from '../../../src/modules/config/index.js';

const REFERENCE = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

describe('configuration reference', () => {
  it('docs/configuration.md is what `npm run docs:config` generates from the schemas (run it if this fails)', async () => {
    const expected = await format(renderServerConfigurationReference(), {
      ...(await resolveConfig(REFERENCE)),
      filepath: REFERENCE,
    });
    expect(await readFile(REFERENCE, 'utf8')).toBe(expected);
  });

  it.each(CONFIGURATION_SECTIONS.map((section) => [section.title, section] as const))(
    '%s: describes every variable, and states the default of every variable that has one',
    (_title, { schema }) => {
      const variables = configurationVariables(schema);
      expect(variables.map((v) => v.name)).toEqual(Object.keys(schema.shape));
      for (const variable of variables) {
        expect(variable.accepts.length).toBeGreaterThan(10);
        const parsed = schema.shape[variable.name]!.safeParse(undefined);
        const hasDefault = parsed.success && parsed.data !== undefined;
        if (hasDefault)
          expect({ name: variable.name, defaultValue: variable.defaultValue }).toEqual({
            name: variable.name,
            defaultValue: expect.any(String),
          });
      }
    },
  );

  it('names each variable once across the sections', () => {
    const names = CONFIGURATION_SECTIONS.flatMap((section) => Object.keys(section.schema.shape));
    expect(new Set(names).size).toBe(names.length);
  });
});
