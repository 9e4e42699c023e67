import { Schema, type Connection, type HydratedDocument, type Model } from 'mongoose';
import { versionHistory } from './version-history.plugin.js';
import { GAME_TABLE_VERSION_MODEL } from './game-table-version.model.js';

export interface GameTable {
  name: string;
  currency: string;
  active: boolean;
  /** Set when the table is archived; the exact instant RGS sent, identical on both sides. */
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type GameTableDocument = HydratedDocument<GameTable>;
export type GameTableModel = Model<GameTable> & {
  /**
   * Whether plugins (callbacks, as tests and integrations add them) were applied to the schema: a
   * change must then go through the save middleware, which they may hook into. Without them the
   * only save middleware is the version history, which a bulk writer may record itself.
   */
  readonly hasCallbacks: boolean;
};

export const GAME_TABLE_MODEL = 'GameTable';

/** The fields a change to a game table is recorded for, in versions. */
export const GAME_TABLE_TRACKED_FIELDS = ['name', 'currency', 'active', 'archivedAt'] as const;

/** A mongoose plugin applied to the game table schema: how tests and integrations add callbacks. */
export type SchemaPlugin = (schema: Schema) => void;

export function createGameTableModel(conn: Connection, plugins: SchemaPlugin[] = []): GameTableModel {
  const schema = new Schema<GameTable>(
    {
      name: { type: String, required: true, trim: true },
      currency: { type: String, required: true, uppercase: true, trim: true },
      active: { type: Boolean, required: true, default: true },
      archivedAt: { type: Date, default: null },
    },
    { timestamps: true },
  );
  schema.index({ active: 1, currency: 1 });
  for (const plugin of plugins) plugin(schema);
  // Registered last, so a callback that rejects a change runs first and no version is recorded for it.
  versionHistory(schema, {
    versionModelName: GAME_TABLE_VERSION_MODEL,
    foreignKey: 'gameTableId',
    fields: GAME_TABLE_TRACKED_FIELDS,
  });
  return Object.assign(conn.model<GameTable>(GAME_TABLE_MODEL, schema), { hasCallbacks: plugins.length > 0 });
}
