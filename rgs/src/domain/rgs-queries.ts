import type { Types } from 'mongoose';
import type { RgsModels } from '../data-access/rgs-models.js';
import type { DispatchRecord } from './outbox-dispatcher.service.js';
import type { EnvironmentRecord, ServerRecord } from './qualifying-servers.js';
import type { RunRecord } from './run-progress.js';
import { withRunCounts, type RunView } from './run-counts.js';

/** At most this many runs per `cleanupRuns` page. */
export const MAX_RUNS_PAGE = 100;

/** Read side of the RGS API. */
export class RgsQueries {
  constructor(private readonly models: RgsModels) {}

  async environments(): Promise<EnvironmentRecord[]> {
    return this.models.Environment.find().sort({ name: 1 }).lean<EnvironmentRecord[]>();
  }

  async servers(environmentId: Types.ObjectId): Promise<ServerRecord[]> {
    return this.models.Server.find({ environmentId }).sort({ _id: 1 }).lean<ServerRecord[]>();
  }

  /** Newest first. */
  async runs(first: number): Promise<RunView[]> {
    const runs = await this.models.CleanupRun.find().sort({ createdAt: -1, _id: -1 }).limit(Math.min(Math.max(first, 0), MAX_RUNS_PAGE)).lean<RunRecord[]>();
    return withRunCounts(this.models, runs);
  }

  async run(id: Types.ObjectId): Promise<RunView | null> {
    const run = await this.models.CleanupRun.findById(id).lean<RunRecord>();
    return run && (await this.withCounts(run));
  }

  /** A run with its deleted and archived counts (see `withRunCounts`). */
  async withCounts(run: RunRecord): Promise<RunView> {
    const [view] = await withRunCounts(this.models, [run]);
    return view!;
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
