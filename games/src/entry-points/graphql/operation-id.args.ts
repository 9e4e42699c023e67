import { IsMongoId } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class OperationIdArgs {
  @Field(() => ID, { description: 'The id of a cleanup operation (24 hex characters)' })
  @IsMongoId({ message: 'operationId must be a 24-character hex ObjectId' })
  operationId!: string;
}
