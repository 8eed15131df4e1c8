import js from '@eslint/js';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'bench/dist/**',
      'bench/profiles/**',
      'tools/dist/**',
      'node_modules/**',
      'reports/**',
      'coverage/**',
      'src/generated/**',
      'src/client/generated/**',
      '*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  // The plugin boundary (docs/architecture.md): the plugin API imports nothing but itself and the protocol
  // types; the core never imports a built-in plugin or the server app; built-in plugins reach the core only
  // through the public entry (src/index.ts), as a user's plugin does.
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/elements': [
        { type: 'plugin-api', pattern: 'src/plugin-api' },
        { type: 'generated', pattern: 'src/generated' },
        { type: 'common', pattern: 'src/common' },
        { type: 'core', pattern: 'src/modules/*', capture: ['module'] },
        { type: 'testing', pattern: 'src/testing' },
        { type: 'built-in-plugin', pattern: 'src/plugins/*', capture: ['plugin'] },
      ],
      // The files directly in src/: the public entry, and the composition root and server app around it.
      'boundaries/files': [
        { category: 'entry', pattern: 'src/index.ts' },
        { category: 'app', pattern: 'src/*.ts' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { type: 'plugin-api' } },
              disallow: {
                to: {
                  element: { types: { anyOf: ['common', 'core', 'testing', 'built-in-plugin'] } },
                },
              },
              message: 'the plugin API is types only and imports nothing from the server',
            },
            {
              from: { element: { type: 'plugin-api' } },
              disallow: { to: { file: { categories: 'app' } } },
              message: 'the plugin API is types only and imports nothing from the server',
            },
            {
              from: { element: { types: { anyOf: ['core', 'common'] } } },
              disallow: {
                to: { element: { types: { anyOf: ['built-in-plugin', 'testing'] } } },
              },
              message: 'the core never imports a built-in plugin, the public entry or the server app',
            },
            {
              from: { element: { types: { anyOf: ['core', 'common'] } } },
              disallow: { to: { file: { categories: 'app' } } },
              message: 'the core never imports a built-in plugin, the public entry or the server app',
            },
            {
              from: { element: { type: 'built-in-plugin' } },
              disallow: { to: { element: { types: { anyOf: ['core', 'common', 'testing'] } } } },
              message: 'a built-in plugin imports the core only through the public entry (src/index.ts)',
            },
            {
              from: { element: { type: 'built-in-plugin' } },
              disallow: { to: { file: { categories: 'app' } } },
              message: 'a built-in plugin imports the core only through the public entry (src/index.ts)',
            },
            {
              from: { element: { type: 'built-in-plugin' } },
              allow: { to: { file: { categories: 'entry' } } },
            },
          ],
        },
      ],
    },
  },
  // The admin client runs in browsers too: no Node built-ins, nothing from the server.
  {
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', '../*'], message: 'src/client must run in a browser' }] },
      ],
    },
  },
);
