import base from './jest.config.js';

/**
 * `npm run test:browser`: the operator tests in headless Chromium (Debian's package, driven by
 * playwright-core) against the real services. Separate from `npm test` so the unit and service
 * tests do not need a browser; `.ci/run` runs both.
 */
export default {
  ...base,
  testMatch: ['**/tests/browser/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // One browser at a time next to mongod on two cores.
  maxWorkers: 1,
};
