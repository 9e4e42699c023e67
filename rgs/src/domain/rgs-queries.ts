import type { Types } from 'mongoose';
import { neverStalled, type StalledCheck } from '../../../shared/src/stalled-jobs.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import type { DispatchRecord } from './outbox-dispatcher.service.js';
import type { EnvironmentRecord, ServerRecord } from './qualifying-servers.js';
import type { RunRecord } from './run-progress.js';
import { RunStatus } from './statuses.js';

/** At most this many runs per `cleanupRuns` page. */
export const MAX_RUNS_PAGE = 100;

/** Read side of the RGS API. */
export class RgsQueries {
  constructor(
    private readonly models: RgsModels,
    /** Whether a run's kickoff or chain job holds a lock without a heartbeat. */
    private readonly runJobStalled: StalledCheck = neverStalled,
  ) {}

  /** A RUNNING run whose job holds a lock without a heartbeat: its worker died or hangs. */
  async isStalled(run: Pick<RunRecord, '_id' | 'status'>): Promise<boolean> {
    return run.status === RunStatus.RUNNING && this.runJobStalled(String(run._id));
  }

  async environments(): Promise<EnvironmentRecord[]> {
    return this.models.Environment.find().sort({ name: 1 }).lean<EnvironmentRecord[]>();
  }

  async servers(environmentId: Types.ObjectId): Promise<ServerRecord[]> {
    return this.models.Server.find({ environmentId }).sort({ _id: 1 }).lean<ServerRecord[]>();
  }

  /** Newest first. */
  async runs(first: number): Promise<RunRecord[]> {
    return this.models.CleanupRun.find().sort({ createdAt: -1, _id: -1 }).limit(Math.min(Math.max(first, 0), MAX_RUNS_PAGE)).lean<RunRecord[]>();
  }

  async run(id: Types.ObjectId): Promise<RunRecord | null> {
    return this.models.CleanupRun.findById(id).lean<RunRecord>();
  }

  /** A run's dispatches in the order they were written; ids are not loaded, only counted. */
  async dispatches(runId: Types.ObjectId): Promise<Array<Omit<DispatchRecord, 'boIds'> & { count: number }>> {
    return this.models.Dispatch.aggregate([
      { $match: { runId } },
      { $sort: { _id: 1 } },
      { $addFields: { count: { $size: '$boIds' } } },
      { $project: { boIds: 0 } },
    ]);
  }
}
