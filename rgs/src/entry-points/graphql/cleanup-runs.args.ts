import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { MAX_RUNS_PAGE } from '../../domain/rgs-queries.js';

@ArgsType()
export class CleanupRunsArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: `Newest first; at most ${MAX_RUNS_PAGE}` })
  @IsOptional()
  @Min(1, { message: 'first must be at least 1' })
  @Max(MAX_RUNS_PAGE, { message: `first must be at most ${MAX_RUNS_PAGE}` })
  first?: number | null;
}
