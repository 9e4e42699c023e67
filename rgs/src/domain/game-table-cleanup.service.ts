import { Types, type ClientSession } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import { clientBulkWrite, insertWrite, namespaceOf, type ClientWrite } from '../../../shared/src/mongo/client-bulk-write.js';
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
   * table that got traffic since it was classified is not deleted (a later run archives it). Unless
   * the model has callbacks, the tables' change and the dispatch are one client bulk write: one round
   * trip. Returns how many tables changed.
   */
  private async applySlice(job: ServerCleanup, slice: ClassifiedSlice, dispatchId: Types.ObjectId, session: ClientSession): Promise<number> {
    const { GameTable, Dispatch } = this.deps.models;
    let tables = await activeTablesOf(GameTable, job.serverId, slice.tableIds, session);
    if (slice.action === CleanupAction.DELETE) {
      const traffic = await tablesWithTraffic(this.deps.models, tables.ids, job.trafficSince, session);
      if (traffic.size > 0) tables = withoutTraffic(tables, traffic);
    }
    if (tables.ids.length === 0) return 0;
    // As mongoose would send them: the ids are ObjectIds already, and the schema's timestamps set
    // `updatedAt` on an update.
    const filter = { _id: { $in: tables.ids }, serverId: job.serverId };
    const update = { $set: { active: false, archivedAt: job.archivedAt, updatedAt: new Date() } };
    const dispatch = await insertWrite(Dispatch, {
      _id: dispatchId,
      runId: job.runId,
      serverId: job.serverId,
      actionType: slice.action,
      boIds: tables.boIds,
      archivedAt: job.archivedAt,
      status: DispatchStatus.PENDING,
      nextAttemptAt: new Date(),
    });
    // A deleted table gives up its boId (where claims keep boIds unique: a sharded deployment).
    const { GameTableBoId } = this.deps.models;
    const releases: ClientWrite[] =
      GameTableBoId && slice.action === CleanupAction.DELETE ? [{ name: 'deleteMany', namespace: namespaceOf(GameTableBoId), filter: { _id: { $in: tables.boIds } } }] : [];
    const client = GameTable.db.getClient();
    if (GameTable.hasCallbacks) {
      // Through mongoose, so the callbacks' query middleware runs.
      if (slice.action === CleanupAction.DELETE) await GameTable.deleteMany(filter, { session });
      else await GameTable.updateMany(filter, update, { session });
      await clientBulkWrite(client, [...releases, dispatch.write], { session });
    } else {
      const namespace = namespaceOf(GameTable);
      const change: ClientWrite =
        slice.action === CleanupAction.DELETE ? { name: 'deleteMany', namespace, filter } : { name: 'updateMany', namespace, filter, update };
      await clientBulkWrite(client, [change, ...releases, dispatch.write], { session, ordered: true });
    }
    return tables.ids.length;
  }
}

/** A slice's tables as read: ids and boIds, index for index. */
interface SliceTables {
  ids: Types.ObjectId[];
  boIds: Types.ObjectId[];
}

/**
 * The tables among `tableIds` still active on the server, as one document of two arrays: the driver
 * parses every document of a result on its own, which for 500 two-field documents costs several
 * times the CPU of one document holding them (`$push` keeps the documents' order, so the arrays
 * pair up).
 */
async function activeTablesOf(GameTable: RgsModels['GameTable'], serverId: Types.ObjectId, tableIds: Types.ObjectId[], session: ClientSession): Promise<SliceTables> {
  const [found] = await GameTable.collection
    .aggregate<SliceTables>(
      [
        { $match: { _id: { $in: tableIds }, serverId, active: true } },
        { $group: { _id: null, ids: { $push: '$_id' }, boIds: { $push: '$boId' } } },
      ],
      { session },
    )
    .toArray();
  return found ?? { ids: [], boIds: [] };
}

function withoutTraffic(tables: SliceTables, traffic: ReadonlySet<string>): SliceTables {
  const kept: SliceTables = { ids: [], boIds: [] };
  tables.ids.forEach((id, index) => {
    if (traffic.has(String(id))) return;
    kept.ids.push(id);
    kept.boIds.push(tables.boIds[index]!);
  });
  return kept;
}
