import { ArgsType, Field } from 'type-graphql';
import { pageArgs } from './page.args.js';

export const GAME_TABLES_PAGE_SIZE = 100;

@ArgsType()
export class GameTablesArgs extends pageArgs(GAME_TABLES_PAGE_SIZE) {
  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  currency?: string | null;
}
