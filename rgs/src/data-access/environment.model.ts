import { Schema, type Connection, type Model } from 'mongoose';

/** A group of servers; its required currencies are the ones its tables may keep. */
export interface Environment {
  name: string;
  /** Upper-case ISO codes. A table in any other currency is a cleanup candidate. */
  requiredCurrencies: string[];
}

export type EnvironmentModel = Model<Environment>;

export function createEnvironmentModel(conn: Connection): EnvironmentModel {
  const schema = new Schema<Environment>(
    {
      name: { type: String, required: true, trim: true },
      requiredCurrencies: { type: [{ type: String, uppercase: true, trim: true }], default: [] },
    },
    { timestamps: true },
  );
  schema.index({ name: 1 }, { unique: true });
  return conn.model<Environment>('Environment', schema);
}
