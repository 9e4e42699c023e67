import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { Types, type ClientSession } from 'mongoose';
import { clientBulkWrite, namespaceOf, type ClientWrite } from '../../../shared/src/mongo/client-bulk-write.js';
import type { WithTransaction } from '../../../shared/src/mongo/with-transaction.js';
import type { Logger } from '../../../shared/src/logger.js';
import type { AsyncOperation, OperationFailure } from '../data-access/async-operation.model.js';
import type { IntegrationMessage } from '../data-access/integration-message.model.js';
import type { GamesModels } from '../data-access/games-models.js';
import { toStored } from '../data-access/version-history.plugin.js';
import { DIRECT_PROJECTION, MIDDLEWARE_PROJECTION, directBatches, middlewareBatches, type ArchiveCandidate, type ArchiveState, type BatchSource, type PreparedBatch } from './prepared-batches.js';
import { OperationStatus } from './cleanup-action.js';
import { OperationNotFoundError, RunAbandonedError, StaleOperationAttemptError } from './errors.js';
import { isTransientInfrastructureError } from '../../../shared/src/mongo/transient-error.js';
import { UNCOUNTED, type GamesWorkCounters } from './work-counters.js';

export type OperationRecord = AsyncOperation & { _id: Types.ObjectId };

export interface ArchiveOptions {
  /** Tables written per bulk write (default 100). */
  batchSize: number;
  /** Pause between batches in milliseconds, to spare the primary (default 500; 0 in tests). */
  batchPauseMs: number;
  /** At most one progress write per this many milliseconds (default 1 000). */
  progressIntervalMs?: number;
}

/**
 * Called before every batch (and at the start of every transaction attempt): the worker checks its
 * lease here and rejects once its lock is lost, so the run stops at its next step. No I/O.
 */
export type ProgressListener = (processed: number, total: number) => Promise<void>;

interface BatchOutcome {
  succeeded: Types.ObjectId[];
  notFound: Types.ObjectId[];
}

/** How often a running operation records its progress, in milliseconds. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1_000;

/**
 * Phase 1 in Games: archives the tables of one operation (`active=false`, `archivedAt` as RGS sent
 * it) in ONE transaction, so a failing record leaves nothing archived. Each batch is one updateMany
 * of the tables and one insertMany of their versions. When the model has callbacks, its save
 * middleware (callbacks, validation, version history) runs for every record in process; without
 * them the versions are built straight from the documents read (`prepared-batches.ts`).
 */
export class ArchiveOperationService {
  constructor(
    private readonly deps: {
      models: GamesModels;
      withTransaction: WithTransaction;
      logger: Logger;
      options: ArchiveOptions;
      /** Counts the tables archived (default: not counted). */
      counters?: GamesWorkCounters;
    },
  ) {}

  /**
   * Runs (or resumes, after a crash) an operation. Returns it finished: DEFERRED, or FAILED with the
   * reason. An operation already past IN_PROGRESS is returned as it is: a duplicate or late worker
   * never archives twice. Database outages are thrown, so the caller can retry later.
   */
  async run(operationId: Types.ObjectId, onProgress: ProgressListener = async () => {}, known: { messageId?: Types.ObjectId } = {}): Promise<OperationRecord> {
    const { AsyncOperation } = this.deps.models;
    // Claimed and finished through the driver: every value is already of its stored type.
    const now = new Date();
    const claim = AsyncOperation.collection.findOneAndUpdate(
      { _id: operationId, status: { $in: [OperationStatus.RECEIVED, OperationStatus.IN_PROGRESS] } },
      { $set: { status: OperationStatus.IN_PROGRESS, startedAt: now, processedCount: 0, updatedAt: now }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ) as Promise<OperationRecord | null>;
    // A message never changes: when the job names it, it is read alongside the claim, one round trip
    // (each a wait for a busy core under load) fewer per operation.
    const [operation, named] = await Promise.all([claim, known.messageId && this.readMessage(known.messageId)]);
    if (!operation) return this.alreadyHandled(operationId);

    const log = this.deps.logger.child({ operationId: String(operationId), attempt: operation.attempts });
    const message = named && known.messageId?.equals(operation.messageId) ? named : await this.readMessage(operation.messageId);
    if (!message) throw new Error(`integration message ${String(operation.messageId)} of operation ${String(operationId)} is missing`);

    const guard = { _id: operationId, status: OperationStatus.IN_PROGRESS, attempts: operation.attempts };
    // Progress is written at most once per interval: short operations write none, long ones stay
    // visible without a round trip per batch. The listener (the lease check) runs every time.
    let lastReport = Date.now();
    const reportProgress = async (processed: number) => {
      // The listener failing means the worker may not go on (it lost its lock): abandon the run,
      // leaving the operation IN_PROGRESS for the attempt that takes over.
      await onProgress(processed, message.gameTableIds.length).catch((cause: unknown) => {
        throw new RunAbandonedError(String(operationId), cause);
      });
      if (Date.now() - lastReport < (this.deps.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS)) return;
      lastReport = Date.now();
      await AsyncOperation.updateOne(guard, { $set: { processedCount: processed } });
    };

    log.info({ requested: message.gameTableIds.length }, 'archiving game tables');
    try {
      const outcome = await this.deps.withTransaction((session) =>
        this.archiveAll(message.gameTableIds, message.archivedAt, operationId, session, reportProgress),
      );
      const failures: OperationFailure[] = outcome.notFound.map((id) => ({ gameTableId: id, message: 'not found' }));
      const finished = await this.finish(operation, {
        status: OperationStatus.DEFERRED,
        succeededIds: outcome.succeeded,
        failures,
        processedCount: message.gameTableIds.length,
      });
      (this.deps.counters ?? UNCOUNTED).tablesArchived(outcome.succeeded.length);
      log.info({ succeeded: outcome.succeeded.length, notFound: outcome.notFound.length }, 'operation deferred for phase 2');
      return finished;
    } catch (err) {
      if (isTransientInfrastructureError(err) || err instanceof StaleOperationAttemptError || err instanceof RunAbandonedError) throw err;
      log.error({ err }, 'archive failed: every change of the operation was rolled back');
      return this.finish(operation, {
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
    session: ClientSession,
    reportProgress: (processed: number) => Promise<void>,
  ): Promise<BatchOutcome> {
    const { GameTable } = this.deps.models;
    // Each transaction attempt starts with a lease check: a worker retrying write conflicts left by
    // a dead worker's transaction stops here once it has lost its lock.
    await reportProgress(0);
    // One read for the whole operation (at most 500 ids), straight from the driver.
    // One batch: without `batchSize` the driver fetches 101 documents, then the rest with a getMore.
    // The limit (no more tables than ids) closes the cursor with that batch: a batch that is full
    // otherwise leaves it open, and the driver asks once more to find nothing. In _id order, as the
    // _id index returns them anyway: through a router (tables sharded on a hashed _id) the shards'
    // results would otherwise interleave, and batches would differ from one deployment to another.
    const read = <T extends ArchiveState>(projection: Record<string, 1>) =>
      GameTable.collection
        .find<T>({ _id: { $in: ids } }, { projection, sort: { _id: 1 }, limit: ids.length, batchSize: Math.max(1, ids.length), session })
        .toArray();
    const target = { archivedAt, operationId, batchSize: this.deps.options.batchSize };
    // Callbacks see every record through the save middleware. Without them, hydrating each document
    // only to record its version would cost more CPU than mongod spends writing it, and only what
    // archiving changes is read: every field read is parsed, for up to 500 tables.
    let outcome: BatchOutcome;
    let nextBatch: BatchSource;
    if (GameTable.hasCallbacks) {
      const raw = await read<ArchiveCandidate>(MIDDLEWARE_PROJECTION);
      outcome = splitFound(ids, raw);
      nextBatch = middlewareBatches(raw, (doc) => GameTable.hydrate(doc), target);
    } else {
      const raw = await read<ArchiveState>(DIRECT_PROJECTION);
      outcome = splitFound(ids, raw);
      nextBatch = directBatches(raw, target);
    }
    let batch = nextBatch();
    await batch.beforeWrite(session);
    for (let index = 0; batch.ids.length > 0; index++) {
      // The next batch is prepared while this one's write is on the wire (see `archiveBatch`).
      const next = await this.archiveBatch(batch, archivedAt, session, nextBatch);
      await reportProgress(Math.min(ids.length, (index + 1) * this.deps.options.batchSize));
      if (this.deps.options.batchPauseMs > 0 && next.ids.length > 0) await sleep(this.deps.options.batchPauseMs);
      batch = next;
    }
    return outcome;
  }

  /**
   * One batch, its `beforeWrite` already run: one updateMany, its `afterWrite`, one insertMany of
   * the versions. The next batch is prepared while mongod works, so that CPU
   * work overlaps the round trips instead of adding to each (the service and mongod share cores): built (hydration and in-memory changes,
   * no I/O) during the updateMany, and its `beforeWrite` run during the insertMany of this batch's
   * versions (after this batch's `afterWrite`, so save hooks still fire in order: pre, write, post,
   * batch after batch). Returns the next batch, its `beforeWrite` run.
   */
  private async archiveBatch(batch: PreparedBatch, archivedAt: Date, session: ClientSession, nextBatch: BatchSource): Promise<PreparedBatch> {
    if (batch.plain) return this.archivePlainBatch(batch, archivedAt, session, nextBatch);
    const { GameTable, GameTableVersion } = this.deps.models;
    const { filter, update } = archiveChange(batch, archivedAt);
    const written = GameTable.collection.updateMany(filter, update, { session });
    const next = await whileWriting(written, nextBatch);
    await batch.afterWrite();
    const stored = batch.versions.length > 0
      ? GameTableVersion.collection.insertMany(batch.versions.map((version) => toStored(version, 'gameTableId')), { session })
      : Promise.resolve();
    await whileWriting(stored, () => next.beforeWrite(session));
    return next;
  }

  /**
   * A batch without middleware: the tables' change and their versions as ONE client bulk write (one
   * round trip instead of two; under load each round trip waits for a busy core), the next batch
   * built while it is on the wire. Returns the next batch.
   */
  private async archivePlainBatch(batch: PreparedBatch, archivedAt: Date, session: ClientSession, nextBatch: BatchSource): Promise<PreparedBatch> {
    const { GameTable, GameTableVersion } = this.deps.models;
    const versions = namespaceOf(GameTableVersion);
    const writes: ClientWrite[] = [
      { name: 'updateMany', namespace: namespaceOf(GameTable), ...archiveChange(batch, archivedAt) },
      ...batch.versions.map((version): ClientWrite => ({ name: 'insertOne', namespace: versions, document: toStored(version, 'gameTableId') })),
    ];
    const next = await whileWriting(clientBulkWrite(GameTable.db.getClient(), writes, { session, ordered: true }), nextBatch);
    await next.beforeWrite(session);
    return next;
  }

  private readMessage(messageId: Types.ObjectId): Promise<Pick<IntegrationMessage, 'gameTableIds' | 'archivedAt'> | null> {
    return this.deps.models.IntegrationMessage.collection.findOne<Pick<IntegrationMessage, 'gameTableIds' | 'archivedAt'>>(
      { _id: messageId },
      { projection: { gameTableIds: 1, archivedAt: 1 } },
    );
  }

  /** Writes the outcome if this attempt (`claimed`) is still the current one (compare-and-set). */
  private async finish(
    claimed: OperationRecord,
    result: Pick<AsyncOperation, 'status' | 'succeededIds' | 'failures' | 'processedCount'>,
  ): Promise<OperationRecord> {
    const guard = { _id: claimed._id, status: OperationStatus.IN_PROGRESS, attempts: claimed.attempts };
    const ended = { ...result, finishedAt: new Date(), updatedAt: new Date() };
    const written = await this.deps.models.AsyncOperation.collection.updateOne(guard, { $set: ended });
    if (written.matchedCount === 0) throw new StaleOperationAttemptError(String(claimed._id), claimed.attempts);
    // What the update wrote over the claimed record: no need to read up to 500 ids back.
    return { ...claimed, ...ended };
  }

  private async alreadyHandled(operationId: Types.ObjectId): Promise<OperationRecord> {
    const existing = await this.deps.models.AsyncOperation.findById(operationId).lean<OperationRecord>();
    if (!existing) throw new OperationNotFoundError(String(operationId));
    this.deps.logger.info({ operationId: String(operationId), status: existing.status }, 'operation already handled; nothing to do');
    return existing;
  }
}

/** A batch's change of its tables: every table gets the same $set, so one updateMany replaces bulkSave's updateOne per table. */
function archiveChange(batch: PreparedBatch, archivedAt: Date) {
  return { filter: { _id: { $in: batch.ids } }, update: { $set: { active: false, archivedAt, updatedAt: new Date() } } };
}

/** Runs `prepare` (CPU work) while `written` is on the wire, and returns its result once both are done. */
async function whileWriting<T>(written: Promise<unknown>, prepare: () => T | Promise<T>): Promise<T> {
  try {
    // One turn of the event loop puts the command on the wire before the CPU work starts.
    await setImmediate();
    return await prepare();
  } finally {
    // Never leave the write unawaited (nor its rejection unhandled), even if preparing failed.
    await written;
  }
}

/**
 * The requested ids found and not found. `$in` returns each table once, so when as many tables came
 * back as ids were asked for, every id was found (and the ids were distinct): the usual case costs no
 * comparison; matching ids by their hex strings, a worker's CPU per id, is left to the rare rest.
 */
function splitFound(ids: Types.ObjectId[], found: readonly { _id: Types.ObjectId }[]): BatchOutcome {
  if (found.length === ids.length) return { succeeded: ids, notFound: [] };
  const foundIds = new Set(found.map((doc) => String(doc._id)));
  const outcome: BatchOutcome = { succeeded: [], notFound: [] };
  for (const id of ids) (foundIds.has(String(id)) ? outcome.succeeded : outcome.notFound).push(id);
  return outcome;
}

/** A callback may name the record it rejected by setting `gameTableId` on its error. */
function failedRecordId(err: unknown): Types.ObjectId | null {
  const id = (err as { gameTableId?: unknown } | null)?.gameTableId;
  return id != null && Types.ObjectId.isValid(String(id)) ? new Types.ObjectId(String(id)) : null;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
