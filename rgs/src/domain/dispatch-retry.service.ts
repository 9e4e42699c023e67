import type { Types } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import { DispatchNotFailedError, DispatchNotFoundError } from './errors.js';
import type { DispatchTrigger } from './game-table-cleanup.service.js';
import type { DispatchRecord } from './outbox-dispatcher.service.js';
import { DispatchStatus } from './statuses.js';

/**
 * Sends a FAILED dispatch again, after a person fixed the cause (Games was down longer than the
 * retry budget, or rejected it): back to PENDING with a fresh budget. Safe even if Games did get
 * it: the dispatch id is the idempotency key, so Games answers with the operation it already has.
 */
export class DispatchRetryService {
  constructor(private readonly deps: { models: RgsModels; dispatchTrigger: DispatchTrigger; logger: Logger }) {}

  async retry(dispatchId: Types.ObjectId, retriedBy: string): Promise<DispatchRecord> {
    const { Dispatch } = this.deps.models;
    const now = new Date();
    const requeued = await Dispatch.findOneAndUpdate(
      { _id: dispatchId, status: DispatchStatus.FAILED },
      { $set: { status: DispatchStatus.PENDING, attempts: 0, nextAttemptAt: now, retriedBy, retriedAt: now } },
      { returnDocument: 'after' },
    ).lean<DispatchRecord>();
    if (!requeued) {
      const current = await Dispatch.findById(dispatchId, { status: 1 }).lean();
      if (!current) throw new DispatchNotFoundError(String(dispatchId));
      throw new DispatchNotFailedError(String(dispatchId), current.status);
    }
    this.deps.logger.info({ dispatchId: String(dispatchId), lastError: requeued.lastError, retriedBy }, 'failed dispatch queued again by hand');
    await this.deps.dispatchTrigger.trigger();
    return requeued;
  }
}
