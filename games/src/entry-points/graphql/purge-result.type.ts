import { Field, ID, ObjectType } from 'type-graphql';
import type { PurgeResult } from '../../domain/purge-archived.service.js';
import { AsyncOperationType } from './async-operation.type.js';
import { OperationFailureType } from './operation-failure.type.js';

@ObjectType('PurgeResult', { description: 'What phase 2 deleted for one operation; the same answer on every call.' })
export class PurgeResultType {
  @Field(() => AsyncOperationType, { description: 'The operation, PROCESSED' })
  operation!: AsyncOperationType;

  @Field(() => [ID], { description: 'Tables hard-deleted (or already gone)' })
  purgedIds!: string[];

  @Field(() => [OperationFailureType], { description: 'Tables not deleted: restored since phase 1, or a callback refused' })
  failures!: OperationFailureType[];

  static from(result: PurgeResult): PurgeResultType {
    return {
      operation: AsyncOperationType.from(result.operation),
      purgedIds: result.purgedIds.map(String),
      failures: result.failures.map(OperationFailureType.from),
    };
  }
}
