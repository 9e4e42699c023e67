import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { MAX_DISPATCHES_PAGE } from '../../domain/rgs-queries.js';

/** Default page of `CleanupRun.dispatches`: a run of 50,000 tables has 100 dispatches or more. */
export const DISPATCHES_PAGE_SIZE = 100;

/** A page of a run's dispatches, oldest first. Without arguments: the first 100, as before paging existed. */
@ArgsType()
export class DispatchesArgs {
  @Field(() => Int, { nullable: true, defaultValue: DISPATCHES_PAGE_SIZE, description: `Page size, at most ${MAX_DISPATCHES_PAGE}` })
  @IsOptional()
  @Min(1, { message: 'first must be at least 1' })
  @Max(MAX_DISPATCHES_PAGE, { message: `first must be at most ${MAX_DISPATCHES_PAGE}` })
  first?: number | null;

  @Field(() => ID, { nullable: true, description: 'The id of the last dispatch of the previous page' })
  after?: string | null;
}
