import { Types } from 'mongoose';
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { OperationQueries } from '../../domain/operation-queries.js';
import type { GamesContext } from './games-loaders.js';
import { GameTableVersionType } from './game-table-version.type.js';
import { GameTableType } from './game-table.type.js';
import { GAME_TABLES_PAGE_SIZE, GameTablesArgs } from './game-tables.args.js';

@Resolver(() => GameTableType)
export class GameTableResolver {
  constructor(private readonly queries: OperationQueries) {}

  @Query(() => GameTableType, { nullable: true })
  async gameTable(@Arg('id', () => ID) id: string): Promise<GameTableType | null> {
    const table = await this.queries.gameTable(id);
    return table && GameTableType.from(table);
  }

  @Query(() => [GameTableType], { description: 'Oldest first' })
  async gameTables(@Args() { active, currency, first, after }: GameTablesArgs): Promise<GameTableType[]> {
    const tables = await this.queries.gameTables({ active, currency }, { first: first ?? GAME_TABLES_PAGE_SIZE, after });
    return tables.map(GameTableType.from);
  }

  @FieldResolver(() => [GameTableVersionType])
  async versions(@Root() table: GameTableType, @Ctx() { loaders }: GamesContext): Promise<GameTableVersionType[]> {
    const versions = await loaders.versions.load(new Types.ObjectId(table.id));
    return versions.map(GameTableVersionType.from);
  }
}
