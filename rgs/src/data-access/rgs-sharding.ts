import type { mongo } from 'mongoose';
import { SHARED_UNSHARDED } from '../../../shared/src/mongo/shared-collections-sharding.js';
import type { ShardingLayout } from '../../../shared/src/mongo/sharding.js';
import { GAME_TABLE_BO_IDS_COLLECTION } from './game-table-bo-id.model.js';
import { GAME_TABLES_COLLECTION } from './game-table.model.js';

/**
 * Before `gametables` is sharded on a key not starting with `boId`: every table claims its boId
 * (the claims then keep boId unique, game-table-bo-id.model.ts), and the unique index on `boId`,
 * which such a key forbids, is dropped. Run again, it only claims what is unclaimed.
 */
async function moveBoIdUniquenessToClaims(db: mongo.Db): Promise<void> {
  await db.createCollection(GAME_TABLE_BO_IDS_COLLECTION).catch((err: { codeName?: string }) => {
    if (err.codeName !== 'NamespaceExists') throw err;
  });
  await db
    .collection(GAME_TABLES_COLLECTION)
    .aggregate([
      { $project: { _id: '$boId', gameTableId: '$_id', serverId: 1 } },
      { $merge: { into: GAME_TABLE_BO_IDS_COLLECTION, on: '_id', whenMatched: 'keepExisting', whenNotMatched: 'insert' } },
    ])
    .toArray();
  const indexes = await db.collection(GAME_TABLES_COLLECTION).indexes();
  for (const index of indexes) {
    if (index.unique && Object.keys(index.key)[0] === 'boId') await db.collection(GAME_TABLES_COLLECTION).dropIndex(index.name!);
  }
}

/**
 * RGS on a sharded cluster: the tables by server (a slice touches one shard), their traffic by
 * table, everything else small and on the database's primary shard. docs/deployment.md#sharded-clusters.
 */
export const RGS_SHARDING: ShardingLayout = {
  sharded: [
    {
      collection: GAME_TABLES_COLLECTION,
      key: { serverId: 'hashed', _id: 1 },
      why: "a cleanup reads and changes one server's tables at a time: servers spread evenly, a slice touches one shard",
      prepare: moveBoIdUniquenessToClaims,
    },
    {
      collection: 'aggregatedggrs',
      key: { gameTableId: 'hashed' },
      why: "traffic is looked up by gameTableId: one table's rows stay on one shard",
    },
  ],
  unsharded: SHARED_UNSHARDED,
  uniqueIds: [{ collection: GAME_TABLE_BO_IDS_COLLECTION, why: 'its _id is the boId it keeps unique' }],
};
