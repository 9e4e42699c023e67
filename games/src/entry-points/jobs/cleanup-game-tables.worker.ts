import { backoffStrategies, type Agenda } from 'agenda';
import { Types } from 'mongoose';
import { heartbeatsOf } from '../../../../shared/src/agenda/job-heartbeat.js';
import type { JobsInTransaction } from '../../../../shared/src/agenda/job-in-transaction.js';
import type { Logger } from '../../../../shared/src/logger.js';
import type { ArchiveOperationService } from '../../domain/archive-operation.service.js';
import type { CleanupScheduler, QueuedOperation } from '../../domain/cleanup-request.service.js';

export const CLEANUP_GAME_TABLES_JOB = 'cleanup-game-tables';

/**
 * Operations one worker process archives at once: as many as one RGS process's outbox keeps in
 * flight (SENDS_IN_FLIGHT). An operation spends most of its time waiting for round trips, so with
 * fewer slots than that, operations queue for a slot while mongod has CPU to spare and Games
 * finishes well after RGS (measurements: docs/benchmarks.md).
 */
export const WORKER_CONCURRENCY = 8;

/** Readable in Agendash: which operation, what it does and to how many tables. */
export interface CleanupGameTablesJobData {
  operationId: string;
  /** The operation's message: read alongside the claim. Absent in jobs queued by earlier versions. */
  messageId?: string;
  /** DELETE or ARCHIVE (both archive in phase 1). */
  actionType?: string;
  /** Tables requested. */
  tables?: number;
}

/**
 * The Agenda worker of phase 1 (the seed's CleanupWorker with `lock: :while_executing`). The lock
 * lasts `lockLifetimeMs` and is renewed on a timer by the job heartbeat (shared/src/agenda/job-heartbeat.ts),
 * also while the transaction retries write conflicts; the run checks its lease before every batch
 * and stops (rolled back, left IN_PROGRESS) once the lock is lost. One job per operation (unique on
 * its id) means one run per operation at a time. A run that dies is picked up again when its lock
 * expires and resumes (the archive is one transaction).
 */
export function defineCleanupGameTablesWorker(
  agenda: Agenda,
  deps: { archiver: ArchiveOperationService; logger: Logger; lockLifetimeMs: number },
): void {
  heartbeatsOf(agenda).define<CleanupGameTablesJobData>(
    CLEANUP_GAME_TABLES_JOB,
    async (job, lease) => {
      const { operationId, messageId } = job.attrs.data;
      const onProgress = async (processed: number, total: number) => {
        lease.progress((processed / total) * 100);
        await lease.checkpoint();
      };
      await deps.archiver.run(new Types.ObjectId(operationId), onProgress, { messageId: messageId ? new Types.ObjectId(messageId) : undefined });
    },
    {
      lockLifetime: deps.lockLifetimeMs,
      // Operations of a run arrive in bursts (one per ≤ 500-id slice, up to 8 calls at once).
      concurrency: WORKER_CONCURRENCY,
      // Retries only matter for database outages: data problems end the operation as FAILED.
      backoff: backoffStrategies.exponential({ delay: 5_000, maxRetries: 8, maxDelay: 5 * 60_000 }),
    },
  );
}

/**
 * Queues the worker for an operation, inside the request's transaction when given its session; a
 * second call for the same operation changes nothing.
 */
export function agendaCleanupScheduler(jobs: JobsInTransaction): CleanupScheduler {
  const job = (operation: QueuedOperation) => {
    const operationId = String(operation._id);
    const data: CleanupGameTablesJobData = { operationId, messageId: String(operation.messageId), actionType: operation.actionType, tables: operation.requestedCount };
    return { name: CLEANUP_GAME_TABLES_JOB, data, unique: { 'data.operationId': operationId } };
  };
  return {
    enqueue: (operation, session) => jobs.queueUnique<CleanupGameTablesJobData>(job(operation), session),
    enqueueWrite: (operation, session) => jobs.queueUniqueWrite<CleanupGameTablesJobData>(job(operation), session),
  };
}
