import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { OperationRecord } from '../../domain/archive-operation.service.js';
import { CleanupAction, OperationStatus } from './enums.js';
import { IntegrationMessageType } from './integration-message.type.js';
import { OperationFailureType } from './operation-failure.type.js';

@ObjectType('AsyncOperation', { description: 'The state and result of one cleanup request.' })
export class AsyncOperationType {
  @Field(() => ID)
  id!: string;

  @Field(() => OperationStatus)
  status!: OperationStatus;

  @Field(() => CleanupAction)
  actionType!: CleanupAction;

  @Field()
  archivedAt!: Date;

  @Field()
  async!: boolean;

  /** Resolved by AsyncOperationResolver from messageId (the field `stalled` too, from its worker job). */
  @Field(() => IntegrationMessageType)
  message?: IntegrationMessageType;

  messageId!: string;

  @Field(() => Int)
  requestedCount!: number;

  @Field(() => Int, { description: 'Progress: ids handled so far by the current attempt' })
  processedCount!: number;

  @Field(() => [ID], { description: 'Tables archived (or already archived) by this operation: what phase 2 purges' })
  succeededIds!: string[];

  @Field(() => [OperationFailureType])
  failures!: OperationFailureType[];

  @Field(() => Int, { description: 'How many times a worker started on it' })
  attempts!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => String, { nullable: true, description: 'The principal that asked for it (cleanupGameTables); RGS for the cleanup runs' })
  requestedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When phase 2 hard-deleted the tables' })
  purgedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The principal whose purgeArchived hard-deleted the tables' })
  purgedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When restoreArchived undid phase 1' })
  restoredAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The principal whose restoreArchived undid phase 1' })
  restoredBy!: string | null;

  static from(doc: OperationRecord): AsyncOperationType {
    return {
      id: String(doc._id),
      status: doc.status,
      actionType: doc.actionType,
      archivedAt: doc.archivedAt,
      async: doc.async,
      messageId: String(doc.messageId),
      requestedCount: doc.requestedCount,
      processedCount: doc.processedCount,
      succeededIds: doc.succeededIds.map(String),
      failures: doc.failures.map(OperationFailureType.from),
      attempts: doc.attempts,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      requestedBy: doc.requestedBy ?? null,
      purgedAt: doc.purgedAt ?? null,
      purgedBy: doc.purgedBy ?? null,
      restoredAt: doc.restoredAt ?? null,
      restoredBy: doc.restoredBy ?? null,
    };
  }
}
