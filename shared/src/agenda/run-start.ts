import type { Agenda, JobParameters } from 'agenda';
import { ObjectId, type Collection } from 'mongodb';
import type { Logger } from '../logger.js';

/** What the job processor and the shutdown sequence tell the run-start writes. */
export interface RunStartWrites {
  /** `attrs` belong to a job this processor locked and is about to run: their next save is the run's start. */
  expect(attrs: object): void;
  /** Resolves once every run-start write issued so far has landed (or failed, logged). */
  settled(): Promise<void>;
}

/**
 * A run's handler starts without waiting for Agenda's save of the run's start. Agenda writes
 * `lastRunAt` (and the next run time) before it calls the handler: one round trip, under load a wait
 * for a busy core, on the path from a request to its worker. Here that write is sent and the
 * handler starts at once; every later save of the same run (a touch, the failure, the final save
 * before a removal) waits for it, so nothing the run writes afterwards can be overwritten by it.
 *
 * The write sets only what the start changes: `lastRunAt`, `nextRunAt`, `lastModifiedBy`. Agenda's
 * save would also write `lockedAt` back as it was at the lock, which, landing after a heartbeat's
 * renewal (job-heartbeat.ts compares-and-sets `lockedAt`), would make the run look stolen.
 *
 * Should the write fail (MongoDB unreachable), it is logged and the run goes on, rather than the job
 * waiting for its lock to expire. Agendash shows a run as running once the write lands, a round trip
 * after the handler started. Relies on the run's first save carrying `lastRunAt` and coming before
 * the handler (tests/shared/agenda-contract.test.ts).
 */
export function overlapRunStartWrites(agenda: Agenda, jobs: Collection, logger: Logger): RunStartWrites {
  const expected = new WeakSet<object>();
  const landing = new WeakMap<object, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const save = agenda.db.saveJobState.bind(agenda.db);

  const writeStart = (attrs: JobParameters, lastModifiedBy: string | undefined): Promise<void> => {
    const write = jobs
      .updateOne(
        { _id: new ObjectId(String(attrs._id)), name: attrs.name },
        { $set: { lastRunAt: attrs.lastRunAt ?? null, nextRunAt: attrs.nextRunAt ?? null, lastModifiedBy: lastModifiedBy ?? null } },
      )
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err, job: attrs.name, jobId: String(attrs._id) }, 'could not record a job run start; the run goes on'),
      )
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
    return write;
  };

  agenda.db.saveJobState = async (attrs, options) => {
    // Kept for the run's every later save: two of them may be on the wire at once (a touch, the end).
    await landing.get(attrs);
    if (expected.has(attrs) && attrs.lastRunAt) {
      expected.delete(attrs);
      landing.set(attrs, writeStart(attrs, options?.lastModifiedBy));
      return;
    }
    return save(attrs, options);
  };

  return {
    expect: (attrs) => expected.add(attrs),
    settled: async () => {
      await Promise.all(inFlight);
    },
  };
}
