import { Types } from 'mongoose';
import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RgsQueries } from '../../domain/rgs-queries.js';
import { EnvironmentType } from './environment.type.js';
import type { RgsContext } from './rgs-loaders.js';
import { ServerType } from './server.type.js';

@Resolver(() => EnvironmentType)
export class EnvironmentResolver {
  constructor(private readonly queries: RgsQueries) {}

  @Query(() => [EnvironmentType], { description: 'By name' })
  async environments(): Promise<EnvironmentType[]> {
    return (await this.queries.environments()).map(EnvironmentType.from);
  }

  @FieldResolver(() => [ServerType])
  async servers(@Root() environment: EnvironmentType, @Ctx() { loaders }: RgsContext): Promise<ServerType[]> {
    return (await loaders.servers.load(new Types.ObjectId(environment.id))).map(ServerType.from);
  }
}
