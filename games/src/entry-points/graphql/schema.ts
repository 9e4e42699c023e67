import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import type { CleanupRequestService } from '../../domain/cleanup-request.service.js';
import type { OperationQueries } from '../../domain/operation-queries.js';
import { AsyncOperationResolver } from './async-operation.resolver.js';
import { GameTableResolver } from './game-table.resolver.js';

export interface GamesResolverDeps {
  cleanupRequests: CleanupRequestService;
  queries: OperationQueries;
}

/** The resolver classes of the Games API; the SDL emitted from them is graphql/games.graphql. */
export const GAMES_RESOLVERS = [AsyncOperationResolver, GameTableResolver] as const;

/**
 * Builds the Games schema with resolvers wired to the given services. Validation is explicit:
 * type-graphql 2 validates nothing unless `validate` is set.
 */
export async function buildGamesSchema(deps: GamesResolverDeps): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [AsyncOperationResolver, new AsyncOperationResolver(deps.cleanupRequests, deps.queries)],
    [GameTableResolver, new GameTableResolver(deps.queries)],
  ]);
  return buildSchema({
    resolvers: GAMES_RESOLVERS,
    container: { get: (cls) => instances.get(cls) },
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
  });
}
