import base from './jest.config.js';

/**
 * Test files that cannot apply through a router, each with the reason. Everything else runs on the
 * sharded cluster too.
 */
const NOT_ON_A_SHARDED_CLUSTER = {
  // It starts and restarts a replica set of its own; nothing of it goes through the router.
  '/tests/faults/mongod-restarted.test.ts': 'restarts a replica set of its own (npm test runs it)',
};

/**
 * `npm run test:sharded`: the suite against a local 2-shard cluster through its router
 * (tests/support/global-setup-sharded.mjs), each test database sharded as docs/deployment.md
 * documents; plus tests/sharded/, what only a router has (start-up checks, losing the router).
 */
export default {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '/tests/browser/', ...Object.keys(NOT_ON_A_SHARDED_CLUSTER)],
  globalSetup: '<rootDir>/tests/support/global-setup-sharded.mjs',
  globalTeardown: '<rootDir>/tests/support/global-teardown-sharded.mjs',
};
