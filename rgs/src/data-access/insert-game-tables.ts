import type { ClientSession, Types } from 'mongoose';
import type { RgsModels } from './rgs-models.js';

/** A new RGS table as its writer gives it (the schema's defaults fill the rest). */
export interface NewGameTable {
  _id?: Types.ObjectId;
  serverId: Types.ObjectId;
  boId: Types.ObjectId;
  name: string;
  currency: string;
  active?: boolean;
  archivedAt?: Date | null;
}

/**
 * Inserts game tables in one transaction (`session`'s when given, else its own), keeping `boId`
 * unique however the deployment keeps it: by the unique index, or (sharded on a key not starting
 * with `boId`) by claiming every boId in the same transaction. Either way a table whose boId is
 * taken fails with a duplicate key and nothing of the call is written. Every writer of
 * `rgs.gametables` on a sharded deployment must claim boIds the same way.
 */
export async function insertGameTables(models: Pick<RgsModels, 'GameTable' | 'GameTableBoId'>, tables: NewGameTable[], session?: ClientSession): Promise<Types.ObjectId[]> {
  const { GameTable, GameTableBoId } = models;
  const docs = tables.map((table) => new GameTable(table));
  const write = async (txn: ClientSession | undefined) => {
    if (GameTableBoId) {
      await GameTableBoId.insertMany(
        docs.map((doc) => ({ _id: doc.boId, gameTableId: doc._id, serverId: doc.serverId })),
        { session: txn, lean: true },
      );
    }
    await GameTable.insertMany(docs, { session: txn });
  };
  if (session) await write(session);
  else await GameTable.db.transaction((txn) => write(txn));
  return docs.map((doc) => doc._id);
}
