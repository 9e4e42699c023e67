import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface Server {
  environmentId: Types.ObjectId;
  name: string;
  active: boolean;
}

export type ServerModel = Model<Server>;

export function createServerModel(conn: Connection): ServerModel {
  const schema = new Schema<Server>(
    {
      environmentId: { type: Schema.Types.ObjectId, required: true, ref: 'Environment' },
      name: { type: String, required: true, trim: true },
      active: { type: Boolean, required: true, default: true },
    },
    { timestamps: true },
  );
  // The chain walks an environment's active servers in _id order.
  schema.index({ environmentId: 1, _id: 1 });
  return conn.model<Server>('Server', schema);
}
