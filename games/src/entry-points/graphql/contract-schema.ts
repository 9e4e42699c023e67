import type { GraphQLSchema } from 'graphql';
import { buildGamesSchema, type GamesResolverDeps } from './schema.js';

/** The Games schema without services, for emitting the SDL and checking it for drift. */
export function buildGamesContractSchema(): Promise<GraphQLSchema> {
  const unused = {} as GamesResolverDeps[keyof GamesResolverDeps];
  return buildGamesSchema({ cleanupRequests: unused, queries: unused } as GamesResolverDeps);
}
