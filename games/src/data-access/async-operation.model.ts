import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CleanupAction, OperationStatus } from '../domain/cleanup-action.js';

export interface OperationFailure {
  gameTableId: Types.ObjectId | null;
  message: string;
}

/** The state of one cleanup request (the seed's CaAsyncOperation). */
export interface AsyncOperation {
  messageId: Types.ObjectId;
  status: OperationStatus;
  actionType: CleanupAction;
  archivedAt: Date;
  async: boolean;
  requestedCount: number;
  /** Progress: ids handled so far by the current attempt. */
  processedCount: number;
  /** Tables archived (or found already archived) by this operation: what phase 2 may purge. */
  succeededIds: Types.ObjectId[];
  failures: OperationFailure[];
  /** How many times a worker started on it; more than one after a crash or a retry. */
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  purgedAt: Date | null;
  /** The principal that asked for it (`cleanupGameTables`): RGS's, for the cleanup runs. */
  requestedBy: string | null;
  /** The principal whose `purgeArchived` hard-deleted its tables. */
  purgedBy: string | null;
  /** The principal whose `restoreArchived` undid it, and when. */
  restoredBy: string | null;
  restoredAt: Date | null;
  /** Ids deleted by phase 2, and what could not be deleted. */
  purgedIds: Types.ObjectId[];
  purgeFailures: OperationFailure[];
  /** Held by the purge working on this operation, so a concurrent purge waits and restore refuses. */
  purgeLease: PurgeLease | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A time-limited claim on an operation by one purge run; an expired lease may be taken over. */
export interface PurgeLease {
  /** Identifies the run: only the holder may renew the lease or write the result. */
  token: Types.ObjectId;
  expiresAt: Date;
}

export type AsyncOperationModel = Model<AsyncOperation>;

export function createAsyncOperationModel(conn: Connection): AsyncOperationModel {
  const failure = new Schema<OperationFailure>(
    { gameTableId: { type: Schema.Types.ObjectId, default: null }, message: { type: String, required: true } },
    { _id: false },
  );
  const schema = new Schema<AsyncOperation>(
    {
      messageId: { type: Schema.Types.ObjectId, required: true, ref: 'IntegrationMessage' },
      status: { type: String, required: true, enum: Object.values(OperationStatus) },
      actionType: { type: String, required: true, enum: Object.values(CleanupAction) },
      archivedAt: { type: Date, required: true },
      async: { type: Boolean, required: true },
      requestedCount: { type: Number, required: true },
      processedCount: { type: Number, default: 0 },
      succeededIds: { type: [Schema.Types.ObjectId], default: [] },
      failures: { type: [failure], default: [] },
      attempts: { type: Number, default: 0 },
      startedAt: { type: Date, default: null },
      finishedAt: { type: Date, default: null },
      purgedAt: { type: Date, default: null },
      // Operations recorded before principals existed have none: read as null.
      requestedBy: { type: String, default: null },
      purgedBy: { type: String, default: null },
      restoredBy: { type: String, default: null },
      restoredAt: { type: Date, default: null },
      purgedIds: { type: [Schema.Types.ObjectId], default: [] },
      purgeFailures: { type: [failure], default: [] },
      purgeLease: {
        type: new Schema<PurgeLease>({ token: { type: Schema.Types.ObjectId, required: true }, expiresAt: { type: Date, required: true } }, { _id: false }),
        default: null,
      },
    },
    { timestamps: true },
  );
  schema.index({ status: 1, updatedAt: 1 });
  schema.index({ messageId: 1 }, { unique: true });
  schema.index({ actionType: 1, status: 1, _id: -1 });
  return conn.model<AsyncOperation>('AsyncOperation', schema);
}
