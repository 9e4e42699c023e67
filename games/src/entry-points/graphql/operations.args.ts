import { ArgsType, Field } from 'type-graphql';
import { CleanupAction, OperationStatus } from './enums.js';
import { pageArgs } from './page.args.js';

export const OPERATIONS_PAGE_SIZE = 50;

@ArgsType()
export class OperationsArgs extends pageArgs(OPERATIONS_PAGE_SIZE) {
  @Field(() => OperationStatus, { nullable: true })
  status?: OperationStatus | null;

  @Field(() => CleanupAction, { nullable: true })
  actionType?: CleanupAction | null;
}
