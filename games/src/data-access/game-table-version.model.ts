import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A recorded change of a game table (PaperTrail's `versions`). Written only by versionHistory. */
export interface GameTableVersion {
  gameTableId: Types.ObjectId;
  event: 'create' | 'update' | 'destroy';
  changes: Record<string, [unknown, unknown]>;
  operationId: Types.ObjectId | null;
  createdAt: Date;
}

export type GameTableVersionModel = Model<GameTableVersion>;

export const GAME_TABLE_VERSION_MODEL = 'GameTableVersion';

export function createGameTableVersionModel(conn: Connection): GameTableVersionModel {
  const schema = new Schema<GameTableVersion>(
    {
      gameTableId: { type: Schema.Types.ObjectId, required: true },
      event: { type: String, required: true, enum: ['create', 'update', 'destroy'] },
      changes: { type: Schema.Types.Mixed, required: true },
      operationId: { type: Schema.Types.ObjectId, default: null },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false, minimize: false },
  );
  schema.index({ gameTableId: 1, createdAt: 1 });
  schema.index({ operationId: 1 });
  return conn.model<GameTableVersion>(GAME_TABLE_VERSION_MODEL, schema);
}
