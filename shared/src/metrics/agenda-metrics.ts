import type { Agenda, Job } from 'agenda';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Buckets of job durations, in seconds: from a quick dispatch to a long archive. */
const JOB_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

/**
 * Counts the Agenda jobs this process runs, by job name: `agenda_jobs_started_total`,
 * `agenda_jobs_failed_total`, `agenda_jobs_succeeded_total` and `agenda_job_duration_seconds`
 * (label `result`: success or fail). Events relayed from other processes (the notification channel
 * marks them remote) are not counted here: each process counts its own work, Prometheus sums them.
 */
export function instrumentAgendaJobs(agenda: Agenda, registry: Registry): void {
  const started = new Counter({ name: 'agenda_jobs_started_total', help: 'Agenda jobs started by this process', labelNames: ['name'], registers: [registry] });
  const failed = new Counter({ name: 'agenda_jobs_failed_total', help: 'Agenda job runs that failed (threw) in this process', labelNames: ['name'], registers: [registry] });
  const succeeded = new Counter({ name: 'agenda_jobs_succeeded_total', help: 'Agenda job runs that succeeded in this process', labelNames: ['name'], registers: [registry] });
  const duration = new Histogram({
    name: 'agenda_job_duration_seconds',
    help: 'Duration of Agenda job runs in this process, in seconds',
    labelNames: ['name', 'result'],
    buckets: JOB_DURATION_BUCKETS,
    registers: [registry],
  });
  const seconds = (job: Job) => (Date.now() - (job.attrs.lastRunAt?.getTime() ?? Date.now())) / 1000;

  agenda.on('start', (job: Job, remote?: boolean) => {
    if (!remote) started.inc({ name: job.attrs.name });
  });
  agenda.on('success', (job: Job, remote?: boolean) => {
    if (remote) return;
    succeeded.inc({ name: job.attrs.name });
    duration.observe({ name: job.attrs.name, result: 'success' }, seconds(job));
  });
  agenda.on('fail', (_err: unknown, job: Job, remote?: boolean) => {
    if (remote) return;
    failed.inc({ name: job.attrs.name });
    duration.observe({ name: job.attrs.name, result: 'fail' }, seconds(job));
  });
}
