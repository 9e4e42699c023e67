import { SHARED_UNSHARDED } from '../../../shared/src/mongo/shared-collections-sharding.js';
import type { ShardingLayout } from '../../../shared/src/mongo/sharding.js';

/**
 * Games on a sharded cluster: the two big collections spread evenly, everything else (messages,
 * operations, jobs) small and on the database's primary shard. docs/deployment.md#sharded-clusters.
 */
export const GAMES_SHARDING: ShardingLayout = {
  sharded: [
    {
      collection: 'gametables',
      key: { _id: 'hashed' },
      why: 'every access is by _id (a batch of up to 500 ids): a hashed _id spreads tables and a batch evenly',
    },
    {
      collection: 'gametableversions',
      key: { gameTableId: 'hashed' },
      why: "a table's history is read and written by gameTableId: one table's versions stay on one shard",
    },
  ],
  unsharded: SHARED_UNSHARDED,
};
