import { Types } from 'mongoose';
import { neverStalled, type StalledCheck } from '../../../shared/src/agenda/stalled-jobs.js';
import type { GamesModels } from '../data-access/games-models.js';
import type { OperationRecord } from './archive-operation.service.js';
import { OperationStatus, type CleanupAction } from './cleanup-action.js';

/** Page sizes are capped so one request cannot read a whole collection. */
export const MAX_PAGE_SIZE = 500;

export interface Page {
  first: number;
  /** Id of the last item of the previous page. */
  after?: string | null | undefined;
}

const toObjectId = (id: string) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : null);
const limit = (first: number) => Math.min(Math.max(first, 0), MAX_PAGE_SIZE);

/** Read side of the Games API: operations, game tables and their versions. */
export class OperationQueries {
  constructor(
    private readonly models: GamesModels,
    /** Whether an operation's worker job holds a lock without a heartbeat. */
    private readonly workerJobStalled: StalledCheck = neverStalled,
  ) {}

  /** An IN_PROGRESS operation whose worker job holds a lock without a heartbeat: its worker died or hangs. */
  async isStalled(operation: Pick<OperationRecord, '_id' | 'status'>): Promise<boolean> {
    return operation.status === OperationStatus.IN_PROGRESS && this.workerJobStalled(String(operation._id));
  }

  async operation(id: string): Promise<OperationRecord | null> {
    const objectId = toObjectId(id);
    return objectId ? this.models.AsyncOperation.findById(objectId).lean<OperationRecord>() : null;
  }

  /** Newest first; `after` continues below the given id. */
  async operations(filter: { status?: OperationStatus | null; actionType?: CleanupAction | null }, page: Page) {
    const after = page.after ? toObjectId(page.after) : null;
    return this.models.AsyncOperation.find({
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.actionType ? { actionType: filter.actionType } : {}),
      ...(after ? { _id: { $lt: after } } : {}),
    })
      .sort({ _id: -1 })
      .limit(limit(page.first))
      .lean<OperationRecord[]>();
  }

  /** The messages with the given ids, in one query (order not kept: callers key by id). */
  async messages(messageIds: readonly Types.ObjectId[]) {
    return this.models.IntegrationMessage.find({ _id: { $in: messageIds } }).lean();
  }

  async gameTable(id: string) {
    const objectId = toObjectId(id);
    return objectId ? this.models.GameTable.findById(objectId).lean() : null;
  }

  /** Oldest first; `after` continues above the given id. */
  async gameTables(filter: { active?: boolean | null; currency?: string | null }, page: Page) {
    const after = page.after ? toObjectId(page.after) : null;
    return this.models.GameTable.find({
      ...(filter.active != null ? { active: filter.active } : {}),
      ...(filter.currency ? { currency: filter.currency.toUpperCase() } : {}),
      ...(after ? { _id: { $gt: after } } : {}),
    })
      .sort({ _id: 1 })
      .limit(limit(page.first))
      .lean();
  }

  /** The versions of all the given tables in one query, each table's oldest first. */
  async versionsOf(gameTableIds: readonly Types.ObjectId[]) {
    return this.models.GameTableVersion.find({ gameTableId: { $in: gameTableIds } }).sort({ gameTableId: 1, createdAt: 1, _id: 1 }).lean();
  }
}
