import { Types } from 'mongoose';
import { FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RgsQueries } from '../../domain/rgs-queries.js';
import { EnvironmentType } from './environment.type.js';
import { ServerType } from './server.type.js';

@Resolver(() => EnvironmentType)
export class EnvironmentResolver {
  constructor(private readonly queries: RgsQueries) {}

  @Query(() => [EnvironmentType], { description: 'By name' })
  async environments(): Promise<EnvironmentType[]> {
    return (await this.queries.environments()).map(EnvironmentType.from);
  }

  @FieldResolver(() => [ServerType])
  async servers(@Root() environment: EnvironmentType): Promise<ServerType[]> {
    return (await this.queries.servers(new Types.ObjectId(environment.id))).map(ServerType.from);
  }
}
