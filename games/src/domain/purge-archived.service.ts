import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import type { WithTransaction } from '../../../shared/src/mongo/with-transaction.js';
import type { OperationFailure } from '../data-access/async-operation.model.js';
import type { GamesModels } from '../data-access/games-models.js';
import { changedBy } from '../data-access/version-history.plugin.js';
import type { OperationRecord } from './archive-operation.service.js';
import { CleanupAction, OperationStatus } from './cleanup-action.js';
import { findOperationOrThrow, toOperationObjectId, withoutLivePurgeLease } from './deferred-operation.js';
import { ArchiveOperationsAreKeptError, OperationNotDeferredError } from './errors.js';
import { isTransientInfrastructureError } from '../../../shared/src/mongo/transient-error.js';
import { UNCOUNTED, type GamesWorkCounters } from './work-counters.js';

/** What one purge did; the same value for every caller of one operation, and on every later call. */
export interface PurgeResult {
  operation: OperationRecord;
  /** Tables deleted (or found already gone), in the order of the operation's succeededIds. */
  purgedIds: Types.ObjectId[];
  /** Tables left in place: restored since phase 1, or a callback refused the delete. */
  failures: OperationFailure[];
}

export interface PurgeOptions {
  /**
   * How long a purge's claim on an operation lasts without renewal, in milliseconds (default 5 min).
   * The holder renews it while it works; a claim left by a crashed run expires and is taken over.
   */
  leaseMs: number;
  /** How often a purge that found the operation claimed by another looks again, in ms (default 200). */
  waitPollMs: number;
}

export const DEFAULT_PURGE_OPTIONS: PurgeOptions = { leaseMs: 5 * 60_000, waitPollMs: 200 };

type TableOutcome = { purged: true } | { purged: false; message: string };

const PURGED: TableOutcome = { purged: true };

/**
 * Phase 2: hard-deletes the tables a DELETE operation archived, once a person has verified them.
 *
 * One table at a time, each in a small transaction of its own, through the model (`doc.deleteOne`),
 * so every callback fires and a `destroy` version with the operation id is written atomically with
 * the delete. A table that fails is reported and the rest go on. A table that is active again, or
 * archived at another instant, was restored since phase 1 and is kept.
 *
 * Concurrency: a purge first claims the operation with a compare-and-set into a time-limited lease.
 * A second purge finds it claimed, waits for the holder to finish and returns the stored result, so
 * each table is deleted once and both callers get the same answer.
 */
export class PurgeArchivedService {
  private readonly options: PurgeOptions;

  constructor(
    private readonly deps: {
      models: GamesModels;
      withTransaction: WithTransaction;
      logger: Logger;
      options?: Partial<PurgeOptions>;
      /** Counts the tables purged (default: not counted). */
      counters?: GamesWorkCounters;
    },
  ) {
    this.options = { ...DEFAULT_PURGE_OPTIONS, ...deps.options };
  }

  /** Purges a DEFERRED DELETE operation; a PROCESSED one returns its earlier result again. */
  async purge(operationId: string, purgedBy: string): Promise<PurgeResult> {
    const id = toOperationObjectId(operationId);
    for (;;) {
      const token = new Types.ObjectId();
      const claimed = await this.claim(id, token);
      if (claimed) {
        const result = await this.purgeClaimed(claimed, token, purgedBy);
        if (result) return result;
        // Our lease was taken over (we stalled past it): the new holder's result is the answer.
      }
      const current = await findOperationOrThrow(this.deps.models, id);
      if (current.actionType === CleanupAction.ARCHIVE) throw new ArchiveOperationsAreKeptError(operationId);
      if (current.status === OperationStatus.PROCESSED) return toPurgeResult(current);
      if (current.status !== OperationStatus.DEFERRED) throw new OperationNotDeferredError(operationId, current.status, 'purged');
      // DEFERRED and claimed by another purge: wait for it (or for its lease to run out).
      await sleep(this.options.waitPollMs);
    }
  }

  /** Compare-and-set: only a DEFERRED DELETE operation that no live purge holds. */
  private async claim(id: Types.ObjectId, token: Types.ObjectId): Promise<OperationRecord | null> {
    const now = new Date();
    return this.deps.models.AsyncOperation.findOneAndUpdate(
      { _id: id, actionType: CleanupAction.DELETE, status: OperationStatus.DEFERRED, ...withoutLivePurgeLease(now) },
      { $set: { purgeLease: { token, expiresAt: this.leaseEnd(now) } } },
      { returnDocument: 'after' },
    ).lean<OperationRecord>();
  }

  /** Deletes the operation's tables and records the outcome; null when the lease was lost. */
  private async purgeClaimed(operation: OperationRecord, token: Types.ObjectId, purgedBy: string): Promise<PurgeResult | null> {
    const { AsyncOperation } = this.deps.models;
    const log = this.deps.logger.child({ operationId: String(operation._id), purgedBy });
    const held = { _id: operation._id, status: OperationStatus.DEFERRED, 'purgeLease.token': token };
    const purgedIds: Types.ObjectId[] = [];
    const failures: OperationFailure[] = [];
    let renewAt = Date.now() + this.options.leaseMs / 2;

    log.info({ tables: operation.succeededIds.length }, 'purging archived game tables');
    try {
      for (const gameTableId of operation.succeededIds) {
        const outcome = await this.purgeTable(gameTableId, operation, log);
        if (outcome.purged) purgedIds.push(gameTableId);
        else failures.push({ gameTableId, message: outcome.message });
        if (Date.now() >= renewAt) {
          const renewed = await AsyncOperation.updateOne(held, { $set: { 'purgeLease.expiresAt': this.leaseEnd(new Date()) } });
          if (renewed.modifiedCount === 0) return null;
          renewAt = Date.now() + this.options.leaseMs / 2;
        }
      }
    } catch (err) {
      // The database is unreachable: let the next call start over (deleted tables then count as gone).
      await AsyncOperation.updateOne(held, { $set: { purgeLease: null } }).catch(() => undefined);
      throw err;
    }

    const finished = await AsyncOperation.findOneAndUpdate(
      held,
      { $set: { status: OperationStatus.PROCESSED, purgedAt: new Date(), purgedBy, purgedIds, purgeFailures: failures, purgeLease: null } },
      { returnDocument: 'after' },
    ).lean<OperationRecord>();
    if (!finished) return null;
    (this.deps.counters ?? UNCOUNTED).tablesPurged(purgedIds.length);
    log.info({ purged: purgedIds.length, failed: failures.length, failedIds: failures.map((f) => String(f.gameTableId)) }, 'operation purged');
    return toPurgeResult(finished);
  }

  /** One table, in its own transaction: the delete and its destroy version commit together. */
  private async purgeTable(gameTableId: Types.ObjectId, operation: OperationRecord, log: Logger): Promise<TableOutcome> {
    const { GameTable } = this.deps.models;
    try {
      return await this.deps.withTransaction(async (session) => {
        const table = await GameTable.findById(gameTableId).session(session);
        if (!table) return PURGED;
        if (table.active || table.archivedAt?.getTime() !== operation.archivedAt.getTime()) {
          const state = `active=${table.active}, archivedAt=${table.archivedAt?.toISOString() ?? 'null'}`;
          return { purged: false, message: `restored or re-activated since it was archived (${state}); not deleted` };
        }
        changedBy(table, operation._id);
        await table.deleteOne({ session });
        return PURGED;
      });
    } catch (err) {
      if (isTransientInfrastructureError(err)) throw err;
      log.warn({ err, gameTableId: String(gameTableId) }, 'game table could not be purged; going on with the rest');
      return { purged: false, message: err instanceof Error ? err.message : String(err) };
    }
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseMs);
  }
}

function toPurgeResult(operation: OperationRecord): PurgeResult {
  return { operation, purgedIds: operation.purgedIds, failures: operation.purgeFailures };
}
