import type { Agenda } from 'agenda';
import type { Db, Document, Filter } from 'mongodb';
import { AGENDA_JOBS_COLLECTION, heartbeatsOf } from './job-heartbeat.js';

/** How much of what ran Agendash keeps showing (JOB_HISTORY_HOURS, JOB_HISTORY_MAX). */
export interface JobHistory {
  /** Finished one-off jobs are kept this long; 0: a job that succeeds is removed at once. */
  hours: number;
  /** At most this many finished jobs of one name are kept, the newest (BullMQ's `removeOnComplete: { age, count }`). */
  maxPerName: number;
  /** Job names kept whatever their age or number (RGS's run events: few, and the audit's copy in Agendash). */
  keepNames?: readonly string[];
}

/** A one-off job that ended and will not run again: no next run, not locked, finished. */
const finished = (keepNames: readonly string[] = []): Filter<Document> => ({
  type: { $ne: 'single' },
  nextRunAt: null,
  lockedAt: null,
  lastFinishedAt: { $ne: null },
  ...(keepNames.length ? { name: { $nin: [...keepNames] } } : {}),
});

/**
 * Ages out finished one-off Agenda jobs: those that ended before `finishedBefore`, and beyond the
 * newest `maxPerName` of each name, so Agendash (whose overview reads every job of a name) stays
 * fast however much ran within the window. Repeating jobs (`every`, type `single`) always have a
 * next run and are never touched; nor is a job that is locked or due. Returns how many were removed.
 */
export async function removeFinishedJobs(db: Db, finishedBefore: Date, options: { maxPerName?: number; keepNames?: readonly string[] } = {}): Promise<number> {
  const jobs = db.collection(AGENDA_JOBS_COLLECTION);
  const base = finished(options.keepNames);
  let removed = (await jobs.deleteMany({ ...base, lastFinishedAt: { $lt: finishedBefore } })).deletedCount;
  if (options.maxPerName === undefined) return removed;
  const crowded = await jobs.aggregate<{ _id: string }>([{ $match: base }, { $group: { _id: '$name', n: { $sum: 1 } } }, { $match: { n: { $gt: options.maxPerName } } }]).toArray();
  for (const { _id: name } of crowded) {
    // The oldest one kept; everything finished before it (ties broken by _id) goes.
    const [boundary] = await jobs.find({ ...base, name }, { projection: { lastFinishedAt: 1 } }).sort({ lastFinishedAt: -1, _id: -1 }).skip(options.maxPerName - 1).limit(1).toArray();
    if (!boundary) continue;
    const older = { $or: [{ lastFinishedAt: { $lt: boundary.lastFinishedAt } }, { lastFinishedAt: boundary.lastFinishedAt, _id: { $lt: boundary._id } }] };
    removed += (await jobs.deleteMany({ ...base, name, ...older })).deletedCount;
  }
  return removed;
}

export const FINISHED_JOBS_RETENTION_JOB = 'finished-jobs-retention';

/** How often the retention runs: the count limit holds within this much of a burst. */
const RETENTION_INTERVAL = '5 minutes';

/**
 * The service's recurring `finished-jobs-retention` job: keeps JOB_HISTORY_HOURS of finished jobs,
 * at most JOB_HISTORY_MAX per name, for Agendash. With an index on (name, lastFinishedAt) for the
 * count limit's look-ups.
 */
export async function scheduleFinishedJobsRetention(agenda: Agenda, db: Db, history: JobHistory): Promise<void> {
  await db.collection(AGENDA_JOBS_COLLECTION).createIndex({ name: 1, lastFinishedAt: -1 }, { name: 'finished_jobs_by_name' });
  heartbeatsOf(agenda).define(FINISHED_JOBS_RETENTION_JOB, async () => {
    await removeFinishedJobs(db, new Date(Date.now() - history.hours * 3_600_000), { maxPerName: history.maxPerName, keepNames: history.keepNames });
  });
  await agenda.every(RETENTION_INTERVAL, FINISHED_JOBS_RETENTION_JOB);
}
