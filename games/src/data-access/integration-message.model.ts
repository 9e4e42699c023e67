import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CleanupAction } from '../domain/cleanup-action.js';

/** The request body of one cleanup call, stored as received (the seed's CaIntegrationMessage). */
export interface IntegrationMessage {
  gameTableIds: Types.ObjectId[];
  actionType: CleanupAction;
  archivedAt: Date;
  async: boolean;
  idempotencyKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type IntegrationMessageModel = Model<IntegrationMessage>;

export function createIntegrationMessageModel(conn: Connection): IntegrationMessageModel {
  const schema = new Schema<IntegrationMessage>(
    {
      gameTableIds: { type: [Schema.Types.ObjectId], required: true },
      actionType: { type: String, required: true, enum: Object.values(CleanupAction) },
      archivedAt: { type: Date, required: true },
      async: { type: Boolean, required: true },
      idempotencyKey: { type: String, default: null },
    },
    { timestamps: true },
  );
  // A key is unique while its message exists; requests without a key are never deduplicated.
  schema.index({ idempotencyKey: 1 }, { unique: true, partialFilterExpression: { idempotencyKey: { $type: 'string' } } });
  return conn.model<IntegrationMessage>('IntegrationMessage', schema);
}
