import { Field, ID, ObjectType } from 'type-graphql';
import type { OperationFailure } from '../../data-access/async-operation.model.js';

@ObjectType('OperationFailure', { description: 'A table that could not be handled, or the reason a whole operation failed.' })
export class OperationFailureType {
  @Field(() => ID, { nullable: true, description: 'Null when the failure concerns the whole operation' })
  gameTableId!: string | null;

  @Field()
  message!: string;

  static from(failure: OperationFailure): OperationFailureType {
    return { gameTableId: failure.gameTableId ? String(failure.gameTableId) : null, message: failure.message };
  }
}
