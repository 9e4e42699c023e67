import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { DispatchRecord } from '../../domain/outbox-dispatcher.service.js';
import { DispatchStatus } from './enums.js';

@ObjectType('Dispatch', { description: 'One outbox row: a call to Games for at most 500 tables.' })
export class DispatchType {
  @Field(() => ID, { description: 'Also the idempotency key sent to Games' })
  id!: string;

  @Field({ description: 'DELETE or ARCHIVE' })
  actionType!: string;

  @Field(() => Int, { description: 'How many table ids the call carries' })
  count!: number;

  @Field(() => DispatchStatus)
  status!: DispatchStatus;

  @Field(() => Int, { description: 'Calls made so far' })
  attempts!: number;

  @Field(() => ID, { nullable: true, description: 'The Games operation, once SENT' })
  gamesOperationId!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the last call failed' })
  lastError!: string | null;

  @Field(() => String, { nullable: true, description: 'The principal that last sent it again by hand (retryDispatch)' })
  retriedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When retryDispatch last sent it again' })
  retriedAt!: Date | null;

  static from(doc: Omit<DispatchRecord, 'boIds'> & { count: number }): DispatchType {
    return {
      id: String(doc._id),
      actionType: doc.actionType,
      count: doc.count,
      status: doc.status,
      attempts: doc.attempts,
      gamesOperationId: doc.gamesOperationId ?? null,
      lastError: doc.lastError ?? null,
      retriedBy: doc.retriedBy ?? null,
      retriedAt: doc.retriedAt ?? null,
    };
  }
}
