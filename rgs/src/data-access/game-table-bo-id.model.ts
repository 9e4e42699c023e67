import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One Games table id (`boId`) claimed by one RGS table. Where `rgs.gametables` is sharded on a key
 * that does not start with `boId`, MongoDB cannot keep a unique index on `boId` (uniqueness is per
 * shard); the claim's `_id` is the `boId`, so a second table with the same `boId` fails on the
 * claim's duplicate key, in the transaction that inserts it. Unsharded, or sharded on `_id`, the
 * collection's `_id` is unique across the cluster.
 */
export interface GameTableBoId {
  /** The boId. */
  _id: Types.ObjectId;
  /** The RGS table holding it. */
  gameTableId: Types.ObjectId;
  /** That table's server: with the table's `_id`, its full shard key. */
  serverId: Types.ObjectId;
}

export type GameTableBoIdModel = Model<GameTableBoId>;

export const GAME_TABLE_BO_IDS_COLLECTION = 'gametableboids';

export function createGameTableBoIdModel(conn: Connection): GameTableBoIdModel {
  const schema = new Schema<GameTableBoId>(
    {
      _id: { type: Schema.Types.ObjectId, required: true },
      gameTableId: { type: Schema.Types.ObjectId, required: true },
      serverId: { type: Schema.Types.ObjectId, required: true },
    },
    { versionKey: false },
  );
  return conn.model<GameTableBoId>('GameTableBoId', schema, GAME_TABLE_BO_IDS_COLLECTION);
}
