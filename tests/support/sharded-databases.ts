import { MongoClient } from 'mongodb';
import { shardCollections, type ShardingLayout } from '../../shared/src/mongo/sharding.js';

/** Whether the run is `npm run test:sharded` (the global setup's cluster, through its router). */
export const TEST_SHARDED = process.env.TEST_SHARDED === '1';

/**
 * In `npm run test:sharded`, shards the database of `mongoUri` as `layout` documents it, with the
 * function `npm run shard` runs, so the services start on sharded collections as in production
 * (the services never shard by themselves). Elsewhere nothing. Idempotent: several processes of a
 * service may share one database.
 */
export async function shardForTests(mongoUri: string, layout: ShardingLayout): Promise<void> {
  if (!TEST_SHARDED) return;
  const client = await MongoClient.connect(mongoUri);
  try {
    await shardCollections(client.db(), layout);
  } finally {
    await client.close();
  }
}
