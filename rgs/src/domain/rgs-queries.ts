import type { Types } from 'mongoose';
import { neverStalled, type StalledCheck } from '../../../shared/src/agenda/stalled-jobs.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import type { DispatchRecord } from './outbox-dispatcher.service.js';
import type { EnvironmentRecord, ServerRecord } from './qualifying-servers.js';
import type { RunRecord } from './run-progress.js';
import { withRunCounts, type RunView } from './run-counts.js';
import { RunStatus } from './statuses.js';

/** At most this many runs per `cleanupRuns` page. */
export const MAX_RUNS_PAGE = 100;

/** At most this many dispatches per run and page of `CleanupRun.dispatches`. */
export const MAX_DISPATCHES_PAGE = 500;

/** A dispatch as the API shows it: its ids are counted, not loaded. */
export type DispatchSummary = Omit<DispatchRecord, 'boIds'> & { count: number };

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

  /** The servers of all the given environments in one query, each environment's in creation order. */
  async serversOf(environmentIds: readonly Types.ObjectId[]): Promise<ServerRecord[]> {
    return this.models.Server.find({ environmentId: { $in: environmentIds } }).sort({ environmentId: 1, _id: 1 }).lean<ServerRecord[]>();
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

  /**
   * One page of dispatches for each of the given runs, in one query: per run the first `first`
   * in the order they were written, after the dispatch `after` when given.
   */
  async dispatchesOf(runIds: readonly Types.ObjectId[], page: { first: number; after: Types.ObjectId | null }): Promise<DispatchSummary[]> {
    const first = Math.min(Math.max(page.first, 0), MAX_DISPATCHES_PAGE);
    if (first === 0) return [];
    const groups = await this.models.Dispatch.aggregate<{ rows: DispatchSummary[] }>([
      { $match: { runId: { $in: runIds }, ...(page.after ? { _id: { $gt: page.after } } : {}) } },
      { $sort: { runId: 1, _id: 1 } },
      { $addFields: { count: { $size: '$boIds' } } },
      { $project: { boIds: 0 } },
      // $firstN keeps the $sort order within each run.
      { $group: { _id: '$runId', rows: { $firstN: { input: '$$ROOT', n: first } } } },
    ]);
    return groups.flatMap((group) => group.rows);
  }
}
