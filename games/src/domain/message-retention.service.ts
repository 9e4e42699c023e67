import type { Logger } from '../../../shared/src/logger.js';
import type { GamesModels } from '../data-access/games-models.js';
import { OperationStatus } from './cleanup-action.js';

/**
 * Only finished operations may be forgotten. DEFERRED ones wait for phase 2 (their succeededIds are
 * what purge deletes); RECEIVED and IN_PROGRESS ones are still being worked on.
 */
export const EXPIRABLE_STATUSES = [OperationStatus.PROCESSED, OperationStatus.FAILED, OperationStatus.RESTORED] as const;

export interface RetentionResult {
  operationsDeleted: number;
  messagesDeleted: number;
}

/** Deletes finished operations, and their integration messages, older than the retention period. */
export class MessageRetentionService {
  constructor(private readonly deps: { models: GamesModels; logger: Logger; retentionDays: number }) {}

  /** What finished before this instant is expired: `retentionDays` before `now`. */
  cutoff(now = new Date()): Date {
    return new Date(now.getTime() - this.deps.retentionDays * 86_400_000);
  }

  async cleanExpired(now = new Date()): Promise<RetentionResult> {
    const { AsyncOperation, IntegrationMessage } = this.deps.models;
    const cutoff = this.cutoff(now);
    const expired = await AsyncOperation.find(
      { status: { $in: EXPIRABLE_STATUSES }, updatedAt: { $lt: cutoff } },
      { _id: 1, messageId: 1 },
    ).lean();
    if (expired.length === 0) return { operationsDeleted: 0, messagesDeleted: 0 };
    // Operation first: a message without its operation is garbage the next run removes,
    // whereas an operation without its message could no longer be explained.
    const operations = await AsyncOperation.deleteMany({
      _id: { $in: expired.map((op) => op._id) },
      status: { $in: EXPIRABLE_STATUSES },
    });
    const messages = await IntegrationMessage.deleteMany({ _id: { $in: expired.map((op) => op.messageId) } });
    const result = { operationsDeleted: operations.deletedCount, messagesDeleted: messages.deletedCount };
    this.deps.logger.info({ ...result, cutoff }, 'expired integration messages cleaned');
    return result;
  }
}
