import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { MAX_PAGE_SIZE } from '../../domain/operation-queries.js';

/** Cursor pagination: `first` items after the item with id `after`. */
export function pageArgs(defaultFirst: number) {
  @ArgsType()
  abstract class PageArgs {
    @Field(() => Int, { defaultValue: defaultFirst, description: `Page size, at most ${MAX_PAGE_SIZE}` })
    @Min(1, { message: 'first must be at least 1' })
    @Max(MAX_PAGE_SIZE, { message: `first must be at most ${MAX_PAGE_SIZE}` })
    first!: number;

    @Field(() => ID, { nullable: true, description: 'The id of the last item of the previous page' })
    after?: string | null;
  }
  return PageArgs;
}
