import type { Agenda } from 'agenda';
import type { ClientSession, Db, Document } from 'mongodb';
import { AGENDA_JOBS_COLLECTION } from './job-heartbeat.js';
import type { ClientWrite } from '../mongo/client-bulk-write.js';
import { afterCommit } from '../mongo/after-commit.js';
import { wakeUpsOf } from './agenda.js';
import type { JobWakeUps } from './job-wake-ups.js';

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
 *
 * A queued job wakes the workers (job-wake-ups.ts) once it can be locked: at once on its own, after
 * the commit in a transaction run by `withTransaction` (a wake-up cannot be part of the transaction:
 * capped collections refuse transactional writes, and a worker woken before the commit would find
 * nothing to lock).
 */
export class JobsInTransaction {
  private readonly wakeUps: JobWakeUps;

  constructor(
    private readonly agenda: Agenda,
    private readonly db: Db,
  ) {
    this.wakeUps = wakeUpsOf(agenda);
  }

  /**
   * Inserts the job unless one matching `unique` exists (Agenda's `unique(query, { insertOnly: true })`):
   * a job already queued or running is left as it is, and wakes nobody. Without `session`, on its own.
   */
  async queueUnique<T>(job: UniqueJob<T>, session?: ClientSession): Promise<void> {
    const { filter, update, wake } = this.uniqueUpsert(job);
    const result = await this.db.collection(AGENDA_JOBS_COLLECTION).updateOne(filter, update, { upsert: true, session });
    if (result.upsertedCount === 0) return;
    if (session?.inTransaction()) afterCommit(session, wake);
    else await wake();
  }

  /**
   * The same upsert as one write of a multi-collection `client.bulkWrite` (MongoDB 8.0+) in the
   * transaction of `session`, so a caller can queue the job in the same round trip as the records
   * it stands for; it wakes the workers once that transaction commits.
   */
  queueUniqueWrite<T>(job: UniqueJob<T>, session: ClientSession): ClientWrite {
    const { filter, update, wake } = this.uniqueUpsert(job);
    afterCommit(session, wake);
    return { name: 'updateOne', namespace: `${this.db.databaseName}.${AGENDA_JOBS_COLLECTION}`, filter, update, upsert: true };
  }

  private uniqueUpsert<T>(job: UniqueJob<T>): { filter: Document; update: Document; wake: () => Promise<void> } {
    const attrs = this.agenda.create<T>(job.name, job.data).schedule(new Date()).toJson(true);
    const document: Document = { ...attrs, lastModifiedBy: this.agenda.attrs.name || null };
    for (const field of STORED_AS_NULL_WHEN_UNSET) document[field] ??= null;
    const wake = () => this.wakeUps.publish([{ name: job.name, nextRunAt: attrs.nextRunAt ?? new Date(), priority: attrs.priority }]);
    return { filter: { ...job.unique, name: job.name }, update: { $setOnInsert: document }, wake };
  }
}
