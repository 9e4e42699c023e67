import { Types, type ClientSession } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import { clientBulkWrite, insertWrite, isDuplicateKeyError, type ClientWrite } from '../../../shared/src/mongo/client-bulk-write.js';
import type { WithTransaction } from '../../../shared/src/mongo/with-transaction.js';
import type { GamesModels } from '../data-access/games-models.js';
import type { IntegrationMessage } from '../data-access/integration-message.model.js';
import type { ArchiveOperationService, OperationRecord } from './archive-operation.service.js';
import { type CleanupAction, OperationStatus } from './cleanup-action.js';
import { IdempotencyKeyReusedError } from './errors.js';

/** A validated `cleanupGameTables` call: 1–500 distinct ids (checked at the GraphQL boundary). */
export interface CleanupRequest {
  ids: string[];
  actionType: CleanupAction;
  archivedAt: Date;
  async: boolean;
  idempotencyKey?: string | null | undefined;
  /** The principal making the request; recorded on the operation. */
  requestedBy: string;
}

/** What the worker's job records about its operation. */
export type QueuedOperation = Pick<OperationRecord, '_id' | 'messageId' | 'actionType' | 'requestedCount'>;

/** Hands an operation to the background worker (the Agenda `cleanup-game-tables` job). */
export interface CleanupScheduler {
  /**
   * Idempotent: an operation already queued is not queued twice. With `session`, part of that
   * transaction: the job exists exactly when the operation does. The action and table count are
   * copied into the job only so a person reading it (Agendash) knows what it is about.
   */
  enqueue(operation: QueuedOperation, session?: ClientSession): Promise<void>;
  /**
   * The same as one write of the caller's client bulk write (the request's single round trip) in
   * the transaction of `session`; the worker is woken once it commits.
   */
  enqueueWrite(operation: QueuedOperation, session: ClientSession): ClientWrite;
}

/**
 * The `cleanupGameTables` use case: records the request (integration message), its operation and,
 * when async, the worker's job in one transaction; a sync request is then archived inline. The same
 * idempotency key returns the first operation and does nothing new.
 */
export class CleanupRequestService {
  constructor(
    private readonly deps: {
      models: GamesModels;
      withTransaction: WithTransaction;
      scheduler: CleanupScheduler;
      archiver: ArchiveOperationService;
      logger: Logger;
    },
  ) {}

  async receive(request: CleanupRequest): Promise<OperationRecord> {
    let operation: OperationRecord;
    try {
      operation = await this.deps.withTransaction((session) => this.record(request, session));
    } catch (err) {
      // A key seen before (a retry, or two requests with one key at the same time): the unique
      // index refuses the second message; answer with the first operation. Trying the insert first
      // spares every new request a lookup, at the price of an aborted transaction per replay.
      const seen = request.idempotencyKey && isDuplicateKeyError(err);
      if (!seen) throw err;
      const first = await this.replay(request, request.idempotencyKey!);
      if (!first) throw err;
      return first;
    }
    this.deps.logger.info(
      // idempotencyKey: for requests from RGS, the id of its outbox dispatch (the join between the two services' logs)
      { operationId: String(operation._id), idempotencyKey: request.idempotencyKey, requestedBy: request.requestedBy, count: request.ids.length, actionType: request.actionType, async: request.async },
      'cleanup request received',
    );
    return request.async ? operation : this.deps.archiver.run(operation._id);
  }

  /**
   * Queues the worker again for every async operation still RECEIVED whose job is gone (an operator
   * removed it in Agendash; requests recorded before jobs were queued in their transaction).
   * Harmless for queued ones.
   */
  async requeueReceived(): Promise<number> {
    const waiting = await this.deps.models.AsyncOperation.find({ status: OperationStatus.RECEIVED, async: true }, { _id: 1, messageId: 1, actionType: 1, requestedCount: 1 }).lean<QueuedOperation[]>();
    for (const operation of waiting) await this.deps.scheduler.enqueue(operation);
    if (waiting.length > 0) this.deps.logger.info({ count: waiting.length }, 'requeued received operations');
    return waiting.length;
  }

  /**
   * The message, its operation and (async) the worker's job, written in one round trip (a client
   * bulk write, ordered: a reused key stops it at the message) inside the request's transaction.
   */
  private async record(request: CleanupRequest, session: ClientSession): Promise<OperationRecord> {
    const { IntegrationMessage, AsyncOperation } = this.deps.models;
    const message = await insertWrite(IntegrationMessage, {
      gameTableIds: request.ids.map((id) => new Types.ObjectId(id)),
      actionType: request.actionType,
      archivedAt: request.archivedAt,
      async: request.async,
      idempotencyKey: request.idempotencyKey ?? null,
    });
    const operation = await insertWrite(AsyncOperation, {
      messageId: message.document._id,
      status: OperationStatus.RECEIVED,
      actionType: request.actionType,
      archivedAt: request.archivedAt,
      async: request.async,
      requestedCount: request.ids.length,
      requestedBy: request.requestedBy,
    });
    const record = operation.document.toObject() as OperationRecord;
    const writes = [message.write, operation.write, ...(request.async ? [this.deps.scheduler.enqueueWrite(record, session)] : [])];
    await clientBulkWrite(IntegrationMessage.db.getClient(), writes, { session });
    return record;
  }

  /** The operation a key already produced, or null for a new key. */
  private async replay(request: CleanupRequest, key: string): Promise<OperationRecord | null> {
    const { IntegrationMessage, AsyncOperation } = this.deps.models;
    const message = await IntegrationMessage.findOne({ idempotencyKey: key }).lean();
    if (!message) return null;
    if (!sameRequest(message, request)) throw new IdempotencyKeyReusedError(key);
    const operation = await AsyncOperation.findOne({ messageId: message._id }).lean<OperationRecord>();
    if (!operation) return null;
    // A job removed meanwhile (Agendash) is queued again; queueing a queued one changes nothing.
    if (operation.async && operation.status === OperationStatus.RECEIVED) await this.deps.scheduler.enqueue(operation);
    this.deps.logger.info({ operationId: String(operation._id), idempotencyKey: key }, 'idempotent replay');
    return operation;
  }
}

function sameRequest(message: IntegrationMessage, request: CleanupRequest): boolean {
  const stored = new Set(message.gameTableIds.map(String));
  return (
    message.actionType === request.actionType &&
    message.archivedAt.getTime() === request.archivedAt.getTime() &&
    message.async === request.async &&
    stored.size === request.ids.length &&
    request.ids.every((id) => stored.has(id.toLowerCase()))
  );
}
