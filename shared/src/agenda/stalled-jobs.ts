import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { Gauge, type Registry } from 'prom-client';
import { AGENDA_JOBS_COLLECTION, HEARTBEATS_PER_LOCK_LIFETIME } from './job-heartbeat.js';

/** Answers whether the work identified by `id` is held by a job whose heartbeat stopped. */
export type StalledCheck = (id: string) => Promise<boolean>;

/** A check that never finds anything stalled (tests and tools without Agenda). */
export const neverStalled: StalledCheck = async () => false;

/**
 * How old a lock may be before its job counts as stalled, in milliseconds: two heartbeats missed
 * (they come every lockLifetime/3), so a slow beat is not reported but a dead or hung worker is,
 * well before its lock expires, and for as long as nobody takes the job over.
 */
export function staleLockAgeMs(lockLifetimeMs: number): number {
  return Math.round((2 * lockLifetimeMs) / HEARTBEATS_PER_LOCK_LIFETIME);
}

/**
 * A `StalledCheck` over Agenda's jobs: true when a job named in `jobNames` whose `data.<dataKey>`
 * equals the id holds a lock older than `staleLockAgeMs(lockLifetimeMs)`. One read (Agenda indexes `name`).
 */
export function stalledJobCheck(db: Db, options: { jobNames: string[]; dataKey: string; lockLifetimeMs: number }): StalledCheck {
  const jobs = db.collection(AGENDA_JOBS_COLLECTION);
  return async (id) => {
    const staleBefore = new Date(Date.now() - staleLockAgeMs(options.lockLifetimeMs));
    const stale = await jobs.findOne(
      { name: { $in: options.jobNames }, [`data.${options.dataKey}`]: id, lockedAt: { $ne: null, $lt: staleBefore } },
      { projection: { _id: 1 } },
    );
    return stale != null;
  };
}

/**
 * `agenda_jobs_stalled{name}`: jobs (of any process) whose lock's heartbeat is overdue, as
 * `stalledJobCheck` sees them, counted at scrape time for every job this Agenda defines. Alert on
 * it staying above 0 for longer than a lock lifetime: nobody takes the work over. When MongoDB
 * cannot answer, the series are left out of that scrape.
 */
export function stalledJobsGauge(agenda: Agenda, db: Db, registry: Registry): Gauge {
  const jobs = db.collection(AGENDA_JOBS_COLLECTION);
  return new Gauge({
    name: 'agenda_jobs_stalled',
    help: 'Agenda jobs holding a lock without a heartbeat (all processes; counted at scrape time)',
    labelNames: ['name'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [name, definition] of Object.entries(agenda.definitions)) {
        const staleBefore = new Date(Date.now() - staleLockAgeMs(definition.lockLifetime));
        const count = await jobs.countDocuments({ name, lockedAt: { $ne: null, $lt: staleBefore } }).catch(() => undefined);
        if (count === undefined) return;
        this.set({ name }, count);
      }
    },
  });
}
