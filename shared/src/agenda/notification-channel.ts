import { MongoChangeStreamNotificationChannel } from '@agendajs/mongo-backend';
import type { JobStateNotification } from 'agenda';
import type { ChangeStreamOptions, Db, Document } from 'mongodb';

/**
 * The changes to `agendaJobs` that can make a job runnable: a new job, or an update that leaves the
 * job with a run time and either sets that run time or releases the lock (a crashed or stopping
 * process handing its jobs over). A running job's lock, heartbeat renewals and progress saves are
 * left out, and so are the saves that start and end a run (`nextRunAt: null` on a one-off job):
 * each one cost mongod a full-document lookup and a reply, and every process a look at a job it
 * could not take, several times per job, for nothing. `fullDocument` is the job after the update
 * (the channel asks for `updateLookup`).
 */
export const RUNNABLE_JOB_CHANGES: Document = {
  $match: {
    $or: [
      { operationType: { $in: ['insert', 'replace'] } },
      {
        operationType: 'update',
        'fullDocument.nextRunAt': { $type: 'date' },
        $or: [
          { 'updateDescription.updatedFields.nextRunAt': { $exists: true } },
          { 'updateDescription.updatedFields.lockedAt': { $type: 'null' } },
          { 'updateDescription.removedFields': 'lockedAt' },
        ],
      },
    ],
  },
};

/**
 * Agenda's notification channel for one service: MongoDB change streams on the `agendaJobs`
 * collection, so a job saved by any process (a resolver, another worker, Agendash) starts at once in
 * whichever process is free instead of at the next poll. Polling stays as the fallback, and the
 * stream reconnects by itself after a MongoDB outage.
 *
 * The backend's channel accepts state subscribers (Agendash's `/dash/api/events`) but never
 * publishes to them; this one hands each job state change (start, success, fail, complete) of this
 * process to its subscribers, so Agendash's live view updates itself.
 */
export class JobNotificationChannel extends MongoChangeStreamNotificationChannel {
  constructor(db: Db) {
    super({ db: watchingRunnableChangesOnly(db), channelName: 'agenda-jobs' });
  }

  async publishState(notification: JobStateNotification): Promise<void> {
    await this.notifyStateHandlers(notification);
  }
}

/**
 * The database as the backend's channel uses it (`db.collection(name).watch(pipeline, options)`,
 * nothing else), with RUNNABLE_JOB_CHANGES first in the pipeline: the channel builds its pipeline
 * inside `connect()` and has no option for it.
 */
function watchingRunnableChangesOnly(db: Db): Db {
  const view = {
    collection: (name: string) => ({
      watch: (pipeline: Document[] = [], options?: ChangeStreamOptions) => db.collection(name).watch([RUNNABLE_JOB_CHANGES, ...pipeline], options),
    }),
  };
  return view as unknown as Db;
}
