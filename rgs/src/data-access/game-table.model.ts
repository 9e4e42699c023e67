import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** RGS's record of a game table; `boId` is the id of the same table in Games. */
export interface GameTable {
  serverId: Types.ObjectId;
  boId: Types.ObjectId;
  name: string;
  currency: string;
  active: boolean;
  /** Set when archived: the run's instant, the same one sent to Games. */
  archivedAt: Date | null;
}

export type GameTableModel = Model<GameTable> & {
  /**
   * Whether plugins (callbacks, as tests add them) were applied to the schema: a cleanup then
   * changes the tables through mongoose, whose query middleware they hook into. Without them it
   * writes straight through the driver.
   */
  readonly hasCallbacks: boolean;
};

/** The collection's name (mongoose's default for the model): the sharding layout names it. */
export const GAME_TABLES_COLLECTION = 'gametables';

/** A mongoose plugin applied to the game table schema: how tests add a failing callback. */
export type SchemaPlugin = (schema: Schema) => void;

/**
 * How `boId` is kept unique: by a unique index on `gametables`, or, where the collection's shard key
 * does not start with `boId` (a unique index could not exist), by a claim per boId in
 * `gametableboids` written in the same transaction as the table (game-table-bo-id.model.ts).
 */
export type BoIdUniqueness = 'index' | 'claims';

/** `'index'` unsharded or sharded on a key starting with `boId`; `'claims'` otherwise. */
export function boIdUniquenessFor(shardKey: Record<string, unknown> | undefined): BoIdUniqueness {
  return shardKey === undefined || Object.keys(shardKey)[0] === 'boId' ? 'index' : 'claims';
}

export function createGameTableModel(conn: Connection, plugins: SchemaPlugin[] = [], boIdUniqueness: BoIdUniqueness = 'index'): GameTableModel {
  const schema = new Schema<GameTable>(
    {
      serverId: { type: Schema.Types.ObjectId, required: true, ref: 'Server' },
      boId: { type: Schema.Types.ObjectId, required: true },
      name: { type: String, required: true, trim: true },
      currency: { type: String, required: true, uppercase: true, trim: true },
      active: { type: Boolean, required: true, default: true },
      archivedAt: { type: Date, default: null },
    },
    { timestamps: true },
  );
  // Candidates of a server, streamed in _id order: equality on serverId and active, then _id gives
  // the order without an in-memory sort; currency last lets the $nin filter run on index keys.
  schema.index({ serverId: 1, active: 1, _id: 1, currency: 1 });
  if (boIdUniqueness === 'index') schema.index({ boId: 1 }, { unique: true });
  for (const plugin of plugins) plugin(schema);
  return Object.assign(conn.model<GameTable>('GameTable', schema, GAME_TABLES_COLLECTION), { hasCallbacks: plugins.length > 0 });
}
