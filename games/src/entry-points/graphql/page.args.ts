import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { MAX_PAGE_SIZE } from '../../domain/operation-queries.js';

/** Cursor pagination: `first` items (default `defaultFirst`) after the item with id `after`. */
export function pageArgs(defaultFirst: number) {
  @ArgsType()
  abstract class PageArgs {
    @Field(() => Int, { nullable: true, defaultValue: defaultFirst, description: `Page size, at most ${MAX_PAGE_SIZE}` })
    @IsOptional()
    @Min(1, { message: 'first must be at least 1' })
    @Max(MAX_PAGE_SIZE, { message: `first must be at most ${MAX_PAGE_SIZE}` })
    first?: number | null;

    @Field(() => ID, { nullable: true, description: 'The id of the last item of the previous page' })
    after?: string | null;
  }
  return PageArgs;
}
