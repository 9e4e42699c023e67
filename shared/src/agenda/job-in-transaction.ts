import type { Agenda } from 'agenda';
import type { ClientSession, Db, Document } from 'mongodb';
import { AGENDA_JOBS_COLLECTION } from './job-heartbeat.js';
import type { ClientWrite } from '../mongo/client-bulk-write.js';

/**
 * The attributes the MongoDB backend stores as null when a job is saved without them
 * (`MongoJobRepository.saveJob`). A job queued here is the document Agenda itself would have written,
 * so its lock query, Agendash and our stalled-job checks read both alike;
 * tests/shared/job-in-transaction.test.ts compares the two after every upgrade.
 */
const STORED_AS_NULL_WHEN_UNSET = [
  'lockedAt',
  'lastFinishedAt',
  'failedAt',
  'failCount',
  'failReason',
  'repeatTimezone',
  'lastRunAt',
  'repeatInterval',
  'repeatAt',
  'disabled',
  'progress',
  'debounceStartedAt',
  'fork',
  'startDate',
  'endDate',
  'skipDays',
] as const;

/** A one-off job due now, and what makes it unique (Agenda's `job.unique(query)`). */
export interface UniqueJob<T> {
  name: string;
  data: T;
  /** Equality on the job's fields, e.g. `{ 'data.operationId': id }`. */
  unique: Document;
}

/**
 * Queues one-off jobs as part of the caller's MongoDB transaction: the job exists exactly when the
 * work it stands for is committed. Agenda's `job.save()` takes no session: queued after the commit, a
 * job would cost one more round trip before any worker could hear of it, and a process stopping in
 * between would leave committed work without a job until start-up requeued it.
 */
export class JobsInTransaction {
  constructor(
    private readonly agenda: Agenda,
    private readonly db: Db,
  ) {}

  /**
   * Inserts the job unless one matching `unique` exists (Agenda's `unique(query, { insertOnly: true })`):
   * a job already queued or running is left as it is. Without `session`, on its own.
   */
  async queueUnique<T>(job: UniqueJob<T>, session?: ClientSession): Promise<void> {
    const { filter, update } = this.uniqueUpsert(job);
    await this.db.collection(AGENDA_JOBS_COLLECTION).updateOne(filter, update, { upsert: true, session });
  }

  /**
   * The same upsert as one write of a multi-collection `client.bulkWrite` (MongoDB 8.0+), so a caller
   * can queue the job in the same round trip as the records it stands for.
   */
  queueUniqueWrite<T>(job: UniqueJob<T>): ClientWrite {
    return { name: 'updateOne', namespace: `${this.db.databaseName}.${AGENDA_JOBS_COLLECTION}`, ...this.uniqueUpsert(job), upsert: true };
  }

  private uniqueUpsert<T>(job: UniqueJob<T>): { filter: Document; update: Document } {
    const attrs = this.agenda.create<T>(job.name, job.data).schedule(new Date()).toJson(true);
    const document: Document = { ...attrs, lastModifiedBy: this.agenda.attrs.name || null };
    for (const field of STORED_AS_NULL_WHEN_UNSET) document[field] ??= null;
    return { filter: { ...job.unique, name: job.name }, update: { $setOnInsert: document } };
  }
}
