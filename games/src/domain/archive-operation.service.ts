import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import type { WithTransaction } from '../../../shared/src/mongo/with-transaction.js';
import { chunk } from '../../../shared/src/chunk.js';
import type { Logger } from '../../../shared/src/logger.js';
import type { AsyncOperation, OperationFailure } from '../data-access/async-operation.model.js';
import type { GamesModels } from '../data-access/games-models.js';
import { bufferVersions, changedBy, toStored, type VersionEntry } from '../data-access/version-history.plugin.js';
import { OperationStatus } from './cleanup-action.js';
import { OperationNotFoundError, StaleOperationAttemptError } from './errors.js';
import { isTransientInfrastructureError } from './transient-error.js';

export type OperationRecord = AsyncOperation & { _id: Types.ObjectId };

export interface ArchiveOptions {
  /** Tables written per bulk write (default 100). */
  batchSize: number;
  /** Pause between batches in milliseconds, to spare the primary (default 500; 0 in tests). */
  batchPauseMs: number;
}

/** Called after each batch: the worker touches its Agenda lock and reports progress here. */
export type ProgressListener = (processed: number, total: number) => Promise<void>;

interface BatchOutcome {
  succeeded: Types.ObjectId[];
  notFound: Types.ObjectId[];
}

/** The fields the archive reads; versions need the tracked ones. */
const ARCHIVE_PROJECTION = 'name currency active archivedAt';

/**
 * Phase 1 in Games: archives the tables of one operation (`active=false`, `archivedAt` as RGS sent
 * it) in ONE transaction, so a failing record leaves nothing archived. Each batch is one bulk write
 * of the tables and one insertMany of their versions, with the model's save callbacks run for every
 * record in process.
 */
export class ArchiveOperationService {
  constructor(
    private readonly deps: {
      models: GamesModels;
      withTransaction: WithTransaction;
      logger: Logger;
      options: ArchiveOptions;
    },
  ) {}

  /**
   * Runs (or resumes, after a crash) an operation. Returns it finished: DEFERRED, or FAILED with the
   * reason. An operation already past IN_PROGRESS is returned as it is: a duplicate or late worker
   * never archives twice. Database outages are thrown, so the caller can retry later.
   */
  async run(operationId: Types.ObjectId, onProgress: ProgressListener = async () => {}): Promise<OperationRecord> {
    const { AsyncOperation, IntegrationMessage } = this.deps.models;
    const operation = await AsyncOperation.findOneAndUpdate(
      { _id: operationId, status: { $in: [OperationStatus.RECEIVED, OperationStatus.IN_PROGRESS] } },
      { $set: { status: OperationStatus.IN_PROGRESS, startedAt: new Date(), processedCount: 0 }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean<OperationRecord>();
    if (!operation) return this.alreadyHandled(operationId);

    const log = this.deps.logger.child({ operationId: String(operationId), attempt: operation.attempts });
    const message = await IntegrationMessage.findById(operation.messageId, 'gameTableIds archivedAt').lean();
    if (!message) throw new Error(`integration message ${String(operation.messageId)} of operation ${String(operationId)} is missing`);

    const guard = { _id: operationId, status: OperationStatus.IN_PROGRESS, attempts: operation.attempts };
    const reportProgress = async (processed: number) => {
      await AsyncOperation.updateOne(guard, { $set: { processedCount: processed } });
      await onProgress(processed, message.gameTableIds.length);
    };

    log.info({ requested: message.gameTableIds.length }, 'archiving game tables');
    try {
      const outcome = await this.deps.withTransaction((session) =>
        this.archiveAll(message.gameTableIds, message.archivedAt, operationId, session, reportProgress),
      );
      const failures: OperationFailure[] = outcome.notFound.map((id) => ({ gameTableId: id, message: 'not found' }));
      const finished = await this.finish(guard, {
        status: OperationStatus.DEFERRED,
        succeededIds: outcome.succeeded,
        failures,
        processedCount: message.gameTableIds.length,
      });
      log.info({ succeeded: outcome.succeeded.length, notFound: outcome.notFound.length }, 'operation deferred for phase 2');
      return finished;
    } catch (err) {
      if (isTransientInfrastructureError(err) || err instanceof StaleOperationAttemptError) throw err;
      log.error({ err }, 'archive failed: every change of the operation was rolled back');
      return this.finish(guard, {
        status: OperationStatus.FAILED,
        succeededIds: [],
        failures: [{ gameTableId: failedRecordId(err), message: describe(err) }],
        processedCount: 0,
      });
    }
  }

  private async archiveAll(
    ids: Types.ObjectId[],
    archivedAt: Date,
    operationId: Types.ObjectId,
    session: import('mongoose').ClientSession,
    reportProgress: (processed: number) => Promise<void>,
  ): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { succeeded: [], notFound: [] };
    const batches = chunk(ids, this.deps.options.batchSize);
    let processed = 0;
    for (const [index, batch] of batches.entries()) {
      const { succeeded, notFound } = await this.archiveBatch(batch, archivedAt, operationId, session);
      outcome.succeeded.push(...succeeded);
      outcome.notFound.push(...notFound);
      processed += batch.length;
      await reportProgress(processed);
      if (this.deps.options.batchPauseMs > 0 && index < batches.length - 1) await sleep(this.deps.options.batchPauseMs);
    }
    return outcome;
  }

  private async archiveBatch(
    batch: Types.ObjectId[],
    archivedAt: Date,
    operationId: Types.ObjectId,
    session: import('mongoose').ClientSession,
  ): Promise<BatchOutcome> {
    const { GameTable, GameTableVersion } = this.deps.models;
    const tables = await GameTable.find({ _id: { $in: batch } }, ARCHIVE_PROJECTION).session(session);
    const found = new Set(tables.map((table) => String(table._id)));
    const versions: VersionEntry[] = [];
    // Already archived tables are left as they are (and count as succeeded).
    const toArchive = tables.filter((table) => table.active || table.archivedAt == null);
    for (const table of toArchive) {
      table.set({ active: false, archivedAt });
      changedBy(table, operationId);
      bufferVersions(table, versions);
    }
    if (toArchive.length > 0) {
      await GameTable.bulkSave(toArchive, { session });
      await GameTableVersion.insertMany(
        versions.map((version) => toStored(version, 'gameTableId')),
        { session, lean: true },
      );
    }
    return {
      succeeded: batch.filter((id) => found.has(String(id))),
      notFound: batch.filter((id) => !found.has(String(id))),
    };
  }

  /** Writes the outcome if this attempt is still the current one (compare-and-set). */
  private async finish(
    guard: { _id: Types.ObjectId; status: OperationStatus; attempts: number },
    result: Pick<AsyncOperation, 'status' | 'succeededIds' | 'failures' | 'processedCount'>,
  ): Promise<OperationRecord> {
    const finished = await this.deps.models.AsyncOperation.findOneAndUpdate(
      guard,
      { $set: { ...result, finishedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean<OperationRecord>();
    if (!finished) throw new StaleOperationAttemptError(String(guard._id), guard.attempts);
    return finished;
  }

  private async alreadyHandled(operationId: Types.ObjectId): Promise<OperationRecord> {
    const existing = await this.deps.models.AsyncOperation.findById(operationId).lean<OperationRecord>();
    if (!existing) throw new OperationNotFoundError(String(operationId));
    this.deps.logger.info({ operationId: String(operationId), status: existing.status }, 'operation already handled; nothing to do');
    return existing;
  }
}

/** A callback may name the record it rejected by setting `gameTableId` on its error. */
function failedRecordId(err: unknown): Types.ObjectId | null {
  const id = (err as { gameTableId?: unknown } | null)?.gameTableId;
  return id != null && Types.ObjectId.isValid(String(id)) ? new Types.ObjectId(String(id)) : null;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
