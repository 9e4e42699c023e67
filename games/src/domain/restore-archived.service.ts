import type { ClientSession, Types } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import type { WithTransaction } from '../../../shared/src/mongo/with-transaction.js';
import type { GamesModels } from '../data-access/games-models.js';
import { changedBy } from '../data-access/version-history.plugin.js';
import type { OperationRecord } from './archive-operation.service.js';
import { OperationStatus } from './cleanup-action.js';
import { findOperationOrThrow, hasLivePurgeLease, toOperationObjectId, withoutLivePurgeLease } from './deferred-operation.js';
import { DomainError } from '../../../shared/src/errors.js';
import { OperationBeingPurgedError, OperationNotDeferredError, RestoreRefusedError } from './errors.js';
import { isTransientInfrastructureError } from '../../../shared/src/mongo/transient-error.js';

/**
 * The undo of phase 1 that makes verification safe: a person who finds a wrongly archived table
 * restores the whole DEFERRED operation instead of purging it. One transaction re-activates the
 * tables this operation archived (those still archived at its `archivedAt`; a table archived again
 * since belongs to that later request) and moves the operation to RESTORED, so it is never purged.
 */
export class RestoreArchivedService {
  constructor(private readonly deps: { models: GamesModels; withTransaction: WithTransaction; logger: Logger }) {}

  async restore(operationId: string, restoredBy: string): Promise<OperationRecord> {
    const id = toOperationObjectId(operationId);
    const restored = await this.deps
      .withTransaction((session) => this.claimAndRestore(id, restoredBy, session))
      .catch((err: unknown) => {
        // A table's callback or validation said no: a refusal to explain, not a server fault.
        if (err instanceof DomainError || isTransientInfrastructureError(err)) throw err;
        throw new RestoreRefusedError(operationId, err instanceof Error ? err.message : String(err));
      });
    if (!restored) throw await this.refusal(id);
    this.deps.logger.info({ operationId, restored: restored.tables, restoredBy }, 'archived game tables restored');
    return restored.operation;
  }

  /** Moves the operation to RESTORED (compare-and-set) and re-activates its tables; null if not DEFERRED. */
  private async claimAndRestore(id: Types.ObjectId, restoredBy: string, session: ClientSession) {
    const now = new Date();
    const operation = await this.deps.models.AsyncOperation.findOneAndUpdate(
      { _id: id, status: OperationStatus.DEFERRED, ...withoutLivePurgeLease(now) },
      { $set: { status: OperationStatus.RESTORED, restoredBy, restoredAt: now, purgeLease: null } },
      { returnDocument: 'after', session },
    ).lean<OperationRecord>();
    if (!operation) return null;
    return { operation, tables: await this.restoreTables(operation, session) };
  }

  /**
   * Per-document saves, so the save callbacks and a version with the operation id run for each
   * table; an operation holds at most 500 tables and restore is a rare, manual step.
   */
  private async restoreTables(operation: OperationRecord, session: ClientSession): Promise<number> {
    const tables = await this.deps.models.GameTable.find({
      _id: { $in: operation.succeededIds },
      active: false,
      archivedAt: operation.archivedAt,
    }).session(session);
    for (const table of tables) {
      table.set({ active: true, archivedAt: null });
      changedBy(table, operation._id);
      await table.save({ session });
    }
    return tables.length;
  }

  /** Why the operation could not be restored; nothing was changed. */
  private async refusal(id: Types.ObjectId): Promise<Error> {
    const current = await findOperationOrThrow(this.deps.models, id);
    if (current.status === OperationStatus.DEFERRED && hasLivePurgeLease(current, new Date())) {
      return new OperationBeingPurgedError(String(id));
    }
    return new OperationNotDeferredError(String(id), current.status, 'restored');
  }
}
