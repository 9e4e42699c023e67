import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { RunStatus } from '../domain/statuses.js';

/** Where the chain of one environment stands within a run. */
export interface EnvironmentProgress {
  environmentId: Types.ObjectId;
  /** The last server the chain finished (cleaned or failed); the next link starts after it. */
  lastServerId: Types.ObjectId | null;
  done: boolean;
}

/** One cleanup run, over one environment or all of them, with its progress. */
export interface CleanupRun {
  status: RunStatus;
  /** Null when the run covers every environment. */
  environmentId: Types.ObjectId | null;
  /** The one instant stamped on every table the run archives, here and in Games. */
  archivedAt: Date;
  serversTotal: number;
  serversDone: number;
  /** One line per failed server (or a failed kickoff), with the reason; the API's `errors`. */
  failures: string[];
  environments: EnvironmentProgress[];
  /** True once the kickoff has enqueued every environment: only then can the run complete. */
  kickoffDone: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type CleanupRunModel = Model<CleanupRun>;

export function createCleanupRunModel(conn: Connection): CleanupRunModel {
  const progress = new Schema<EnvironmentProgress>(
    {
      environmentId: { type: Schema.Types.ObjectId, required: true },
      lastServerId: { type: Schema.Types.ObjectId, default: null },
      done: { type: Boolean, default: false },
    },
    { _id: false },
  );
  const schema = new Schema<CleanupRun>(
    {
      status: { type: String, required: true, enum: Object.values(RunStatus) },
      environmentId: { type: Schema.Types.ObjectId, default: null },
      archivedAt: { type: Date, required: true },
      serversTotal: { type: Number, default: 0 },
      serversDone: { type: Number, default: 0 },
      failures: { type: [String], default: [] },
      environments: { type: [progress], default: [] },
      kickoffDone: { type: Boolean, default: false },
      startedAt: { type: Date, default: null },
      finishedAt: { type: Date, default: null },
    },
    { timestamps: true },
  );
  // cleanupRuns: newest first.
  schema.index({ createdAt: -1, _id: -1 });
  return conn.model<CleanupRun>('CleanupRun', schema);
}
