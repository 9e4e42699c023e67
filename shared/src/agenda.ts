import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Logger } from './logger.js';

export interface AgendaFactoryOptions {
  /** The service's database; Agenda keeps its jobs in its `agendaJobs` collection. */
  db: Db;
  /** Identifies this worker in job locks (`lastModifiedBy`). */
  name: string;
  /** How often to poll for due jobs, in milliseconds. A number, never a string: see DEVELOPERS.md. */
  processEveryMs: number;
  logger: Logger;
}

/**
 * Creates Agenda on an already-connected database and waits until it is ready: an Agenda whose
 * backend is not ready crashes the process on its first poll. Jobs are defined by the caller, which
 * then calls `agenda.start()`; `agenda.stop()` belongs in the shutdown sequence.
 */
export async function createAgenda(options: AgendaFactoryOptions): Promise<Agenda> {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db }),
    name: options.name,
    processEvery: options.processEveryMs,
    // One-off jobs that succeeded are history only; failures stay visible in Agendash.
    removeOnComplete: false,
  });
  await agenda.ready;
  agenda.on('error', (err) => options.logger.error({ err }, 'agenda error'));
  agenda.on('fail', (err, job) => {
    if (typeof err === 'string') return; // a notification from another process; that process logs it
    options.logger.warn({ err, job: job.attrs.name, jobId: String(job.attrs._id) }, 'job failed');
  });
  return agenda;
}
