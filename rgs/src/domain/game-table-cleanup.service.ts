import { Types, type ClientSession } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import type { WithTransaction } from '../../../shared/src/mongo/with-transaction.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import { classifiedSlices, tablesWithTraffic, type ClassifiedSlice } from './classify-game-tables.js';
import { CleanupAction, DispatchStatus } from './statuses.js';

/** Wakes the outbox dispatcher after a slice was committed, so Games hears of it without waiting for a poll. */
export interface DispatchTrigger {
  trigger(): Promise<void>;
}

export interface ServerCleanup {
  runId: Types.ObjectId;
  serverId: Types.ObjectId;
  requiredCurrencies: readonly string[];
  /** The run's one instant, stamped on every table it archives. */
  archivedAt: Date;
  trafficSince: Date | null;
}

/**
 * Called after each committed slice: rejects (JobLockLostError) once the job's lock is lost or the
 * process hands its jobs over, so the work stops there. The lock itself is renewed on a timer.
 */
export type Heartbeat = () => Promise<void>;

export interface ServerCleanupResult {
  deleted: number;
  archived: number;
  dispatches: number;
}

/**
 * Cleans one server. For each slice of at most 500 tables, ONE transaction changes the local records
 * (destroys those without traffic, archives the others with the run's `archivedAt`) and writes the
 * outbox Dispatch that tells Games the same. Either both happen or neither: Games can no longer miss
 * ids whose local records changed, which was the gap of calling Games between local writes.
 */
export class GameTableCleanupService {
  constructor(
    private readonly deps: {
      models: RgsModels;
      withTransaction: WithTransaction;
      dispatchTrigger: DispatchTrigger;
      logger: Logger;
    },
  ) {}

  async cleanServer(job: ServerCleanup, heartbeat: Heartbeat = async () => {}): Promise<ServerCleanupResult> {
    const result: ServerCleanupResult = { deleted: 0, archived: 0, dispatches: 0 };
    // runId, serverId and each dispatchId: what a reader follows to Games (the dispatch id is the
    // idempotency key Games logs with its operationId).
    const log = this.deps.logger.child({ runId: String(job.runId), serverId: String(job.serverId) });
    const slices = classifiedSlices(this.deps.models, {
      serverId: job.serverId,
      requiredCurrencies: job.requiredCurrencies,
      trafficSince: job.trafficSince,
    });
    for await (const slice of slices) {
      const dispatchId = new Types.ObjectId();
      const changed = await this.deps.withTransaction((session) => this.applySlice(job, slice, dispatchId, session));
      if (changed === 0) continue;
      log.info({ dispatchId: String(dispatchId), actionType: slice.action, count: changed }, 'slice cleaned; dispatch queued for Games');
      if (slice.action === CleanupAction.DELETE) result.deleted += changed;
      else result.archived += changed;
      result.dispatches += 1;
      await this.deps.dispatchTrigger.trigger();
      await heartbeat();
    }
    log.info({ ...result }, 'server cleaned');
    return result;
  }

  /**
   * Re-reads the slice inside the transaction: only tables still active are changed and sent, and a
   * table that got traffic since it was classified is not deleted (a later run archives it).
   * Returns how many tables changed.
   */
  private async applySlice(job: ServerCleanup, slice: ClassifiedSlice, dispatchId: Types.ObjectId, session: ClientSession): Promise<number> {
    const { GameTable, Dispatch } = this.deps.models;
    // In one batch, the cursor closed with it (no more tables than ids): by default the driver
    // fetches 101 documents, then the rest with a getMore.
    let tables = await GameTable.find({ _id: { $in: slice.tables.map((t) => t._id) }, serverId: job.serverId, active: true }, { _id: 1, boId: 1 })
      .limit(slice.tables.length)
      .batchSize(slice.tables.length)
      .session(session)
      .lean();
    if (slice.action === CleanupAction.DELETE) {
      const traffic = await tablesWithTraffic(this.deps.models, tables.map((t) => t._id), job.trafficSince, session);
      tables = tables.filter((t) => !traffic.has(String(t._id)));
    }
    if (tables.length === 0) return 0;
    const filter = { _id: { $in: tables.map((t) => t._id) }, serverId: job.serverId };
    if (slice.action === CleanupAction.DELETE) {
      await GameTable.deleteMany(filter, { session });
    } else {
      await GameTable.updateMany(filter, { $set: { active: false, archivedAt: job.archivedAt } }, { session });
    }
    await Dispatch.create(
      [
        {
          _id: dispatchId,
          runId: job.runId,
          serverId: job.serverId,
          actionType: slice.action,
          boIds: tables.map((t) => t.boId),
          archivedAt: job.archivedAt,
          status: DispatchStatus.PENDING,
          nextAttemptAt: new Date(),
        },
      ],
      { session },
    );
    return tables.length;
  }
}
