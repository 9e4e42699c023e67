import type { Collection, Db, ObjectId } from 'mongodb';

/**
 * The capped collection every process writes a wake-up to when it makes a job runnable, and tails
 * to hear of the others' (notification-channel.ts). Unsharded, as capped collections must be: a
 * router sends its reads to the one shard holding it, where a change stream on `agendaJobs` would
 * merge every shard's stream (docs/decisions/0023).
 */
export const JOB_WAKE_UPS_COLLECTION = 'agendaWakeUps';

/**
 * Its size in bytes: about 40,000 wake-ups of ~100 bytes. A process that falls further behind than
 * that loses its place, opens its cursor again at the newest, and polling covers what it skipped.
 */
export const JOB_WAKE_UPS_BYTES = 4 * 1024 * 1024;

/** One wake-up: a job of `name` is runnable from `nextRunAt` (the job's id when one job is meant). */
export interface JobWakeUp {
  name: string;
  nextRunAt: Date;
  jobId?: ObjectId | string | null;
  priority?: number;
}

/** A wake-up as stored; `at` (the writer's clock) lets a reader skip those written before it opened. */
export interface StoredJobWakeUp extends JobWakeUp {
  at: Date;
}

/**
 * Creates the capped collection unless it exists, with one document in it: a tailable cursor on an
 * empty capped collection is dead at once, on one with a document it waits for the next. Throws
 * when a collection of that name exists uncapped (a tailable cursor needs a capped one).
 */
export async function ensureJobWakeUps(db: Db): Promise<Collection<StoredJobWakeUp>> {
  const [existing] = await db.listCollections({ name: JOB_WAKE_UPS_COLLECTION }).toArray();
  if (existing && !(existing as { options?: { capped?: boolean } }).options?.capped) {
    throw new Error(`${db.databaseName}.${JOB_WAKE_UPS_COLLECTION} exists but is not capped: drop it, the services create it capped (docs/architecture.md#job-wake-ups)`);
  }
  if (!existing) {
    await db.createCollection(JOB_WAKE_UPS_COLLECTION, { capped: true, size: JOB_WAKE_UPS_BYTES }).catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceExists') throw err;
    });
  }
  const wakeUps = db.collection<StoredJobWakeUp>(JOB_WAKE_UPS_COLLECTION);
  if ((await wakeUps.estimatedDocumentCount()) === 0) await wakeUps.insertOne({ name: '', nextRunAt: new Date(0), at: new Date(0) });
  return wakeUps;
}

/**
 * Writes wake-ups. Never throws: a wake-up that cannot be written is reported to `onError` and the
 * job waits for the next poll, as it would without wake-ups. Written with `w: 1`: one lost in a
 * failover costs a poll's wait, and waiting for a majority would only delay every wake-up. The
 * collection is made capped before the first write (an insert would create it uncapped).
 */
export class JobWakeUps {
  private collection: Promise<Collection<StoredJobWakeUp>> | undefined;

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * Only jobs due now wake anyone: a job due later is locked by the first filling after its time
   * (job-processor.ts `lockOnlyDueJobs`), so a wake-up for it would find nothing to lock. That also
   * leaves out a recurring job's save of its next run.
   */
  async publish(all: JobWakeUp[]): Promise<void> {
    const at = new Date();
    const wakeUps = all.filter((w) => w.nextRunAt <= at);
    if (wakeUps.length === 0) return;
    try {
      this.collection ??= ensureJobWakeUps(this.db).catch((err: unknown) => {
        this.collection = undefined;
        throw err;
      });
      await (await this.collection).insertMany(
        wakeUps.map((w) => ({ name: w.name, nextRunAt: w.nextRunAt, jobId: w.jobId ?? null, priority: w.priority ?? 0, at })),
        { writeConcern: { w: 1 }, ordered: false },
      );
    } catch (err) {
      this.onError(err);
    }
  }
}
