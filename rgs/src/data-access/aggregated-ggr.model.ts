import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** Daily gross gaming revenue of a table. Any row is traffic. */
export interface AggregatedGgr {
  gameTableId: Types.ObjectId;
  /** The day (UTC midnight) the figures are for. */
  day: Date;
  currency: string;
  bets: number;
  wins: number;
  ggr: number;
}

export type AggregatedGgrModel = Model<AggregatedGgr>;

export function createAggregatedGgrModel(conn: Connection): AggregatedGgrModel {
  const schema = new Schema<AggregatedGgr>(
    {
      gameTableId: { type: Schema.Types.ObjectId, required: true, ref: 'GameTable' },
      day: { type: Date, required: true },
      currency: { type: String, required: true, uppercase: true, trim: true },
      bets: { type: Number, required: true, default: 0 },
      wins: { type: Number, required: true, default: 0 },
      ggr: { type: Number, required: true, default: 0 },
    },
    { timestamps: false, versionKey: false },
  );
  // "Has this table traffic (since a day)?" for a slice of tables: an index-only lookup.
  schema.index({ gameTableId: 1, day: -1 });
  return conn.model<AggregatedGgr>('AggregatedGgr', schema, 'aggregatedggrs');
}
