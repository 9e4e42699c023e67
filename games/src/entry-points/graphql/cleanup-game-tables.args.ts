import { ArrayMaxSize, ArrayMinSize, IsMongoId, IsOptional, Length, isMongoId } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';
import { MAX_IDS_PER_REQUEST } from '../../domain/cleanup-action.js';
import { echoInput } from '../../../../shared/src/echo-input.js';
import { ArrayDistinct } from './array-distinct.js';
import { CleanupAction } from './enums.js';

export { MAX_IDS_PER_REQUEST };

@ArgsType()
export class CleanupGameTablesArgs {
  @Field(() => [ID], { description: `1 to ${MAX_IDS_PER_REQUEST} distinct game table ids (24 hex characters each)` })
  @ArrayMinSize(1, { message: 'ids must contain at least 1 id' })
  @ArrayMaxSize(MAX_IDS_PER_REQUEST, { message: `ids must contain at most ${MAX_IDS_PER_REQUEST} ids` })
  @ArrayDistinct((id: string) => id.toLowerCase(), { message: 'ids must not contain duplicates' })
  @IsMongoId({
    each: true,
    message: ({ value }) =>
      `each id must be a 24-character hex ObjectId; invalid: ${(value as string[]).filter((id) => !isMongoId(id)).slice(0, 5).map(echoInput).join(', ')}`,
  })
  ids!: string[];

  @Field(() => CleanupAction)
  actionType!: CleanupAction;

  @Field({ description: 'The instant to stamp on every archived table; RGS uses today 11:11:11' })
  archivedAt!: Date;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'true (default): queue the work and return at once; false: archive inline and return the result',
  })
  async?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The same key again returns the first operation and does nothing new' })
  @IsOptional()
  @Length(1, 200, { message: 'idempotencyKey must be 1 to 200 characters' })
  idempotencyKey?: string | null;
}
