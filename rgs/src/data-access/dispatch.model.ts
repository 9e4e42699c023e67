import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { CleanupAction, DispatchStatus } from '../domain/statuses.js';

/**
 * The outbox: one call Games must receive, written in the same transaction as the local change it
 * mirrors. Its `_id` is the idempotency key of the call, so sending it twice changes nothing twice.
 */
export interface Dispatch {
  runId: Types.ObjectId;
  serverId: Types.ObjectId;
  actionType: CleanupAction;
  /** The Games ids of the tables, at most 500. */
  boIds: Types.ObjectId[];
  archivedAt: Date;
  status: DispatchStatus;
  attempts: number;
  /** When the dispatcher may (re)try; while a call is in flight, the end of its claim. */
  nextAttemptAt: Date;
  lastError: string | null;
  /**
   * While a failed send waits for its retry, the same as nextAttemptAt (else null or stale): tells a
   * row that is backing off from one whose call is in flight, so recovery pulls only the former forward.
   */
  backoffUntil: Date | null;
  gamesOperationId: string | null;
  sentAt: Date | null;
  /** The principal that last sent a FAILED dispatch again (`retryDispatch`), and when. */
  retriedBy: string | null;
  retriedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type DispatchModel = Model<Dispatch>;

export function createDispatchModel(conn: Connection): DispatchModel {
  const schema = new Schema<Dispatch>(
    {
      runId: { type: Schema.Types.ObjectId, required: true, ref: 'CleanupRun' },
      serverId: { type: Schema.Types.ObjectId, required: true, ref: 'Server' },
      actionType: { type: String, required: true, enum: Object.values(CleanupAction) },
      boIds: { type: [Schema.Types.ObjectId], required: true },
      archivedAt: { type: Date, required: true },
      status: { type: String, required: true, enum: Object.values(DispatchStatus), default: DispatchStatus.PENDING },
      attempts: { type: Number, default: 0 },
      nextAttemptAt: { type: Date, required: true },
      lastError: { type: String, default: null },
      backoffUntil: { type: Date, default: null },
      gamesOperationId: { type: String, default: null },
      sentAt: { type: Date, default: null },
      retriedBy: { type: String, default: null },
      retriedAt: { type: Date, default: null },
    },
    { timestamps: true },
  );
  // The dispatcher's claim: the earliest due PENDING row.
  schema.index({ status: 1, nextAttemptAt: 1 });
  // A run's dispatches, in the order they were written.
  schema.index({ runId: 1, _id: 1 });
  return conn.model<Dispatch>('Dispatch', schema);
}
