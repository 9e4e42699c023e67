import { ArgsType, Field } from 'type-graphql';
import { pageArgs } from './page.args.js';

@ArgsType()
export class GameTablesArgs extends pageArgs(100) {
  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  currency?: string | null;
}
