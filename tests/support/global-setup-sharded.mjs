// Plain JS: Jest loads globalSetup outside its ESM transform pipeline.
import { mongodBinary } from './global-setup.mjs';
import { mongosOnPath, startShardedCluster } from './sharded-cluster.mjs';

/**
 * `npm run test:sharded`: one local sharded cluster for the whole run (tests/support/sharded-cluster.mjs),
 * reached through its router. TEST_SHARDED tells the test services to shard their fresh databases
 * as docs/deployment.md documents (tests/support/sharded-databases.ts) before they start.
 */
export default async function globalSetup() {
  const binary = mongodBinary();
  // Tests that stop a router or a shard start a cluster of their own with the same binaries.
  process.env.TEST_MONGOD_BINARY = binary;
  process.env.TEST_SHARDED = '1';
  // TEST_MONGODB_URI (a router URI, no database) runs the suite on an existing sharded cluster.
  if (process.env.TEST_MONGODB_URI) return;
  const startedAt = Date.now();
  const cluster = await startShardedCluster({ binary, mongos: mongosOnPath() });
  globalThis.__SHARDED_CLUSTER__ = cluster;
  process.env.TEST_MONGODB_URI = cluster.uri;
  const router = cluster.embeddedRouter ? "the config server's embedded router" : 'mongos';
  console.log(`\nsharded cluster (config server, shards shA and shB, ${router}) at ${cluster.uri}, started in ${Date.now() - startedAt} ms`);
}
