import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { mongo } from 'mongoose';
import { GAMES_SHARDING } from '../games/src/data-access/games-sharding.js';
import { RGS_SHARDING } from '../rgs/src/data-access/rgs-sharding.js';
import { shardCollections, type ShardingLayout } from '../shared/src/mongo/sharding.js';
import type { ShardedCluster } from '../tests/support/sharded-cluster.d.mts';
import type { WholeRunTopology } from './whole-run.js';

type Db = mongo.Db;

/** The shards of the test harness's cluster (tests/support/sharded-cluster.mjs). */
const SHARDS = ['shA', 'shB'];

/**
 * The test suite's local cluster (`npm run test:sharded`): a config server, two one-node shards and
 * a router, all on this machine. Plain JS outside the build, so it is loaded from the project's
 * folder (`npm run bench` runs there).
 */
export async function startBenchCluster(binary: string): Promise<ShardedCluster> {
  const harness = (await import(pathToFileURL(resolve(process.cwd(), 'tests/support/sharded-cluster.mjs')).href)) as typeof import('../tests/support/sharded-cluster.mjs');
  return harness.startShardedCluster({ binary, mongos: harness.mongosOnPath() });
}

/**
 * The whole run on `cluster`: each database sharded as docs/deployment.md documents (the function
 * `npm run shard` runs) while still empty, so hashed keys spread the seeded data over both shards;
 * RGS's boIds then claimed as `npm run shard` claims those of an existing deployment. Its checks:
 * both services' tables on both shards, and at least one transaction committed in two phases (a
 * slice deletes tables on one shard and their boId claims on the primary shard).
 */
export function shardedTopology(cluster: ShardedCluster): WholeRunTopology {
  return {
    async beforeSeed(rgs, games) {
      await shardCollections(rgs, RGS_SHARDING);
      await shardCollections(games, GAMES_SHARDING);
    },
    async afterSeed(rgs) {
      await prepareAll(rgs, RGS_SHARDING);
    },
    uniqueBoIdIndex: false,
    databasePids: () => [cluster.config, cluster.shards.shA, cluster.shards.shB, cluster.router].flatMap((p, i, all) => (p.pid && all.indexOf(p) === i ? [p.pid] : [])),
    async checkRun(rgs, games) {
      return {
        'rgs.gametables on both shards': await onEveryShard(rgs, 'gametables'),
        'games.gametables on both shards': await onEveryShard(games, 'gametables'),
      };
    },
  };
}

/** Runs each collection's `prepare` of `layout` on `db` (idempotent, as `npm run shard` runs it). */
async function prepareAll(db: Db, layout: ShardingLayout): Promise<void> {
  for (const { prepare } of layout.sharded) await prepare?.(db);
}

/** Whether every shard holds documents of `collection` (`$collStats` through the router: one answer per shard). */
async function onEveryShard(db: Db, collection: string): Promise<boolean> {
  const perShard = await db.collection(collection).aggregate<{ shard: string; count: number }>([{ $collStats: { count: {} } }]).toArray();
  return SHARDS.every((shard) => perShard.some((s) => s.shard === shard && s.count > 0));
}
