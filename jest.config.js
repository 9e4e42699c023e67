/** Jest runs TypeScript through SWC as native ES modules (node --experimental-vm-modules). */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
};

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // The browser tests have their own command: npm run test:browser (jest.browser.config.js); the
  // tests of a sharded cluster too: npm run test:sharded (jest.sharded.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/tests/browser/', '/tests/sharded/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/tests/support/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/support/global-teardown.mjs',
  setupFiles: ['<rootDir>/tests/support/setup-env.ts'],
  testTimeout: 60_000,
  // Two cores: one worker per core keeps mongod responsive.
  maxWorkers: 2,
};
