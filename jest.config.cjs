/** Jest 30 in native ESM mode (NestJS 12 is ESM-only): `--experimental-vm-modules`, `.ts` treated as ESM, `.js` import suffixes mapped to the sources. */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/test'],
  testRegex: '.*\\.spec\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The package by its name, as the examples import it, resolves to the sources under test.
    '^opamp-nest$': '<rootDir>/src/index.ts',
    '^opamp-nest/testing$': '<rootDir>/src/testing/index.ts',
    '^opamp-nest/odigos$': '<rootDir>/src/plugins/odigos/index.ts',
    '^opamp-nest/client$': '<rootDir>/src/client/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 20000,
  // Node 20's vm modules keep every suite's module graph alive (about 20 MB a suite here): without a recycled
  // worker the heap passes 4 GB and the second half of the suite runs 3-10x slower in GC. This limit also makes
  // jest run the suites in a worker process rather than in band.
  workerIdleMemoryLimit: '1GB',
};
