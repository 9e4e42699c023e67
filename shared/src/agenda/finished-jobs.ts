import type { Db } from 'mongodb';

/**
 * Ages out finished one-off Agenda jobs: those that ended before `finishedBefore` and will not run
 * again (no `nextRunAt`, not locked). Agenda removes one-off jobs that succeed
 * (`removeOnComplete`); what is left is failures, kept for a person to see in Agendash, and
 * history written before that setting. Repeating jobs (`every`, type `single`) always have a next
 * run and are never touched. Returns how many were removed.
 */
export async function removeFinishedJobs(db: Db, finishedBefore: Date): Promise<number> {
  const result = await db.collection('agendaJobs').deleteMany({
    type: { $ne: 'single' },
    nextRunAt: null,
    lockedAt: null,
    lastFinishedAt: { $lt: finishedBefore },
  });
  return result.deletedCount;
}
