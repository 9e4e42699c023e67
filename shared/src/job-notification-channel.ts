import { MongoChangeStreamNotificationChannel } from '@agendajs/mongo-backend';
import type { JobStateNotification } from 'agenda';
import type { Db } from 'mongodb';

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
    super({ db, channelName: 'agenda-jobs' });
  }

  async publishState(notification: JobStateNotification): Promise<void> {
    await this.notifyStateHandlers(notification);
  }
}
