import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { RunStatus } from '../domain/statuses.js';

/** Where the chain of one environment stands within a run. */
export interface EnvironmentProgress {
  environmentId: Types.ObjectId;
  /** The last server the chain finished (cleaned or failed); the next link starts after it. */
  lastServerId: Types.ObjectId | null;
  /**
   * The server the chain is cleaning, recorded before its first slice and cleared when it is
   * finished: a link redone after a crash or failover resumes with it even when its cleaning went
   * to the end (it no longer qualifies, and a walk by qualifying servers would step over it).
   */
  currentServerId?: Types.ObjectId | null;
  done: boolean;
  /** The chain stopped for good before its last server (its link failed on every retry): the run cannot be COMPLETED. */
  givenUp?: boolean;
}

/** What the run's planning found for one environment before anything was touched. */
export interface PlannedEnvironment {
  environmentId: Types.ObjectId;
  name: string;
  toDeleteCount: number;
  toArchiveCount: number;
  /** Active tables on the environment's active servers. */
  activeTables: number;
  /** (toDeleteCount + toArchiveCount) / activeTables; 0 when there are no active tables. */
  share: number;
  /** True when `share` exceeds the run's `maxShare`. */
  needsApproval: boolean;
}

/** An environment the run leaves alone, and why. */
export interface SkippedEnvironment {
  environmentId: Types.ObjectId;
  name: string;
  reason: string;
}

/** One cleanup run, over one environment or all of them, with its progress. */
export interface CleanupRun {
  status: RunStatus;
  /** Null when the run covers every environment. */
  environmentId: Types.ObjectId | null;
  /** The one instant stamped on every table the run archives, here and in Games. */
  archivedAt: Date;
  serversTotal: number;
  /** Servers finished (cleaned or failed); equals serversTotal once every chain ran to its end. */
  serversDone: number;
  /** Of serversDone, the servers whose cleanup failed (each listed in `failures`). */
  serversFailed: number;
  /** One line per failed server (or a failed kickoff), with the reason; the API's `errors`. */
  failures: string[];
  environments: EnvironmentProgress[];
  /** True once the kickoff has enqueued every environment: only then can the run complete. */
  kickoffDone: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** True while the run is QUEUED, AWAITING_APPROVAL or RUNNING, unset after: the unique partial index on it admits one active run. */
  activeSlot?: true;
  /** The blast-radius limit the run was planned with (CLEANUP_MAX_SHARE); null until planned. */
  maxShare: number | null;
  /** The per-environment figures of the planning, in environment `_id` order. */
  planned: PlannedEnvironment[];
  skipped: SkippedEnvironment[];
  /** The principal that started the run (`startCleanup`), or `schedule` for the cron. */
  startedBy: string;
  /** Set by `approveCleanupRun`; an approved run is not held back by the limit again. */
  approvedAt: Date | null;
  /** The principal that approved it; never its starter while two-person approval is on. */
  approvedBy: string | null;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type CleanupRunModel = Model<CleanupRun>;

export function createCleanupRunModel(conn: Connection): CleanupRunModel {
  const progress = new Schema<EnvironmentProgress>(
    {
      environmentId: { type: Schema.Types.ObjectId, required: true },
      lastServerId: { type: Schema.Types.ObjectId, default: null },
      currentServerId: { type: Schema.Types.ObjectId, default: null },
      done: { type: Boolean, default: false },
      givenUp: { type: Boolean },
    },
    { _id: false },
  );
  const planned = new Schema<PlannedEnvironment>(
    {
      environmentId: { type: Schema.Types.ObjectId, required: true },
      name: { type: String, required: true },
      toDeleteCount: { type: Number, required: true },
      toArchiveCount: { type: Number, required: true },
      activeTables: { type: Number, required: true },
      share: { type: Number, required: true },
      needsApproval: { type: Boolean, required: true },
    },
    { _id: false },
  );
  const skipped = new Schema<SkippedEnvironment>(
    {
      environmentId: { type: Schema.Types.ObjectId, required: true },
      name: { type: String, required: true },
      reason: { type: String, required: true },
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
      serversFailed: { type: Number, default: 0 },
      failures: { type: [String], default: [] },
      environments: { type: [progress], default: [] },
      kickoffDone: { type: Boolean, default: false },
      startedAt: { type: Date, default: null },
      finishedAt: { type: Date, default: null },
      activeSlot: { type: Boolean },
      maxShare: { type: Number, default: null },
      planned: { type: [planned], default: [] },
      skipped: { type: [skipped], default: [] },
      // Runs recorded before principals existed have none: read as null.
      startedBy: { type: String, default: null },
      approvedAt: { type: Date, default: null },
      approvedBy: { type: String, default: null },
      cancelledAt: { type: Date, default: null },
      cancelledBy: { type: String, default: null },
    },
    { timestamps: true },
  );
  // cleanupRuns: newest first.
  schema.index({ createdAt: -1, _id: -1 });
  // One active run at a time, whichever process or request creates it: a second insert with
  // activeSlot: true fails with a duplicate key until the active run ends and unsets it.
  schema.index({ activeSlot: 1 }, { unique: true, partialFilterExpression: { activeSlot: true }, name: 'one_active_run' });
  return conn.model<CleanupRun>('CleanupRun', schema);
}
