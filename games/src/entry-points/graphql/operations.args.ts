import { ArgsType, Field } from 'type-graphql';
import { CleanupAction, OperationStatus } from './enums.js';
import { pageArgs } from './page.args.js';

@ArgsType()
export class OperationsArgs extends pageArgs(50) {
  @Field(() => OperationStatus, { nullable: true })
  status?: OperationStatus | null;

  @Field(() => CleanupAction, { nullable: true })
  actionType?: CleanupAction | null;
}
