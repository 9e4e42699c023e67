import type { Types } from 'mongoose';
import type { RgsModels } from '../data-access/rgs-models.js';
import type { RunRecord } from './run-progress.js';
import { CleanupAction } from './statuses.js';

/** How many tables a run deleted and archived so far. */
export interface RunCounts {
  deletedCount: number;
  archivedCount: number;
}

/** A run as the API shows it: the run document and its counts. */
export type RunView = RunRecord & RunCounts;

/**
 * Adds the counts to runs, aggregated on read from their dispatches (one aggregation for the whole
 * page). Each committed slice writes exactly one Dispatch holding the ids it changed, so its count
 * is the slice's count and matches the data by construction. The counts are not kept on the run
 * document: an `$inc` there inside every slice transaction made the run one hot document that the
 * environments' chains fought over: a large share of slice transactions aborted on write conflicts.
 */
export async function withRunCounts(models: RgsModels, runs: RunRecord[]): Promise<RunView[]> {
  if (runs.length === 0) return [];
  const rows = await models.Dispatch.aggregate<{ _id: { runId: Types.ObjectId; actionType: CleanupAction }; tables: number }>([
    { $match: { runId: { $in: runs.map((r) => r._id) } } },
    { $group: { _id: { runId: '$runId', actionType: '$actionType' }, tables: { $sum: { $size: '$boIds' } } } },
  ]);
  const counts = new Map<string, RunCounts>();
  for (const row of rows) {
    const key = String(row._id.runId);
    const entry = counts.get(key) ?? { deletedCount: 0, archivedCount: 0 };
    if (row._id.actionType === CleanupAction.DELETE) entry.deletedCount += row.tables;
    else entry.archivedCount += row.tables;
    counts.set(key, entry);
  }
  return runs.map((run) => ({ ...run, ...(counts.get(String(run._id)) ?? { deletedCount: 0, archivedCount: 0 }) }));
}
