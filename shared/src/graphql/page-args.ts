import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

/**
 * Cursor pagination arguments: `first` items (default `defaultFirst`, at most `maxFirst`) after
 * the item with id `after`. Extend it with `@ArgsType() class XArgs extends pageArgs(100, 500)`.
 */
export function pageArgs(defaultFirst: number, maxFirst: number, afterDescription = 'The id of the last item of the previous page') {
  @ArgsType()
  abstract class PageArgs {
    @Field(() => Int, { nullable: true, defaultValue: defaultFirst, description: `Page size, at most ${maxFirst}` })
    @IsOptional()
    @Min(1, { message: 'first must be at least 1' })
    @Max(maxFirst, { message: `first must be at most ${maxFirst}` })
    first?: number | null;

    @Field(() => ID, { nullable: true, description: afterDescription })
    after?: string | null;
  }
  return PageArgs;
}
