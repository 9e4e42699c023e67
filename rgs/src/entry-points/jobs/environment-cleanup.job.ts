import { backoffStrategies, type Agenda, type JobWithId } from 'agenda';
import { Types } from 'mongoose';
import { heartbeatsOf } from '../../../../shared/src/agenda/job-heartbeat.js';
import type { Logger } from '../../../../shared/src/logger.js';
import type { ChainScheduler, EnvironmentCleanupService } from '../../domain/environment-cleanup.service.js';

export const CLEANUP_ENVIRONMENT_JOB = 'cleanup-environment';

/**
 * Chain links one RGS process runs (and locks) at once; the other environments' links stay due,
 * free for another process, and start here as soon as a link ends (startAgenda). Not one per
 * environment: more links at once than cores keep this process's event loop saturated, and the
 * outbox's sends and Games' hand-offs wait behind them. Two links still overlap each other's round
 * trips, so a run takes about as long (measurements: docs/benchmarks.md).
 */
export const CHAINS_PER_PROCESS = 2;

export interface CleanupEnvironmentJobData {
  runId: string;
  environmentId: string;
  /** The server the previous link finished; null for the first link. Makes each link unique. */
  afterServerId: string | null;
  /** When the previous link queued this one (ISO time), to time the hand-off; absent for the first link. */
  queuedAt?: string;
  /** Names, for a person reading the job in Agendash (the ids above are what the job uses). */
  environment?: string;
  afterServer?: string | null;
}

/**
 * One link of an environment's chain per job: it cleans servers one after another for up to
 * CLEANUP_CHAIN_LINK_MS, then queues the next link. The job heartbeat renews the lock on a timer, so it
 * never expires while a big server is being cleaned; the link checks its lease after every slice. Server failures are handled inside the link; a link
 * fails only when progress cannot be recorded, and Agenda retries it with backoff; after the last
 * retry the environment is given up and recorded on the run (see EnvironmentCleanupService.giveUp).
 */
export function defineCleanupEnvironmentJob(
  agenda: Agenda,
  deps: { chain: EnvironmentCleanupService; lockLifetimeMs: number; maxRetries: number; logger: Logger },
): void {
  heartbeatsOf(agenda).define<CleanupEnvironmentJobData>(
    CLEANUP_ENVIRONMENT_JOB,
    async (job, lease) => {
      const { runId, environmentId, queuedAt } = job.attrs.data;
      const link = { runId: new Types.ObjectId(runId), environmentId: new Types.ObjectId(environmentId), queuedAt: queuedAt ? new Date(queuedAt) : null };
      await deps.chain.step(link, lease.checkpoint);
    },
    {
      // Also the links it locks: startAgenda locks only what can start.
      concurrency: CHAINS_PER_PROCESS,
      lockLifetime: deps.lockLifetimeMs,
      backoff: backoffStrategies.exponential({ delay: 5_000, maxRetries: deps.maxRetries, maxDelay: 5 * 60_000 }),
    },
  );
  // Without this a run whose chain gave up would stay RUNNING, holding the one active-run slot.
  agenda.on(`retry exhausted:${CLEANUP_ENVIRONMENT_JOB}`, (err: Error, job: JobWithId) => {
    const { runId, environmentId } = job.attrs.data as CleanupEnvironmentJobData;
    const link = { runId: new Types.ObjectId(runId), environmentId: new Types.ObjectId(environmentId) };
    deps.chain.giveUp(link, err, job.attrs.failCount ?? 0).catch((recordErr: unknown) => {
      deps.logger.error({ err: recordErr, runId, environmentId }, 'could not record a given-up environment chain');
    });
  });
}

export function agendaChainScheduler(agenda: Agenda): ChainScheduler {
  return {
    enqueueEnvironment: async (runId, environment, afterServer) => {
      const data: CleanupEnvironmentJobData = {
        runId: String(runId),
        environmentId: String(environment._id),
        afterServerId: afterServer && String(afterServer._id),
        environment: environment.name,
        afterServer: afterServer?.name ?? null,
        ...(afterServer ? { queuedAt: new Date().toISOString() } : {}),
      };
      await agenda
        .create<CleanupEnvironmentJobData>(CLEANUP_ENVIRONMENT_JOB, data)
        .unique({ 'data.runId': data.runId, 'data.environmentId': data.environmentId, 'data.afterServerId': data.afterServerId }, { insertOnly: true })
        .schedule(new Date())
        .save();
    },
  };
}
