import base from './jest.config.js';

/**
 * Test files that cannot apply through a router, each with the reason. Everything else runs on the
 * sharded cluster too.
 */
const NOT_ON_A_SHARDED_CLUSTER = {
  // It starts and restarts a replica set of its own; nothing of it goes through the router.
  '/tests/faults/mongod-restarted.test.ts': 'restarts a replica set of its own (npm test runs it)',
  // MongoDB's fail points are one setting per mongod: these set theirs on a replica set of their own.
  '/tests/rgs/servers-done-after-fault.test.ts': 'sets fail points on a replica set of its own (npm test runs it)',
  '/tests/shared/service-unavailable.test.ts': 'sets fail points on a replica set of its own (npm test runs it)',
  // The profiler is refused through a router; on the cluster the suite's runs themselves send every
  // slice transaction to sharded collections, which refuse what the profiler test looks for.
  '/tests/rgs/sharded-cluster-queries.test.ts': 'reads the profiler, which a router refuses (npm test runs it)',
};

/**
 * Single tests that cannot apply through a router, each with the reason (Jest skips by name). None
 * today: the job wake-ups' test of what wakes the workers runs on both since they no longer depend
 * on a change stream (docs/decisions/0023).
 */
const NOT_THROUGH_A_ROUTER = {};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  ...(Object.keys(NOT_THROUGH_A_ROUTER).length > 0 ? { testNamePattern: `^(?!.*(${Object.keys(NOT_THROUGH_A_ROUTER).map(escape).join('|')}))` } : {}),
};
