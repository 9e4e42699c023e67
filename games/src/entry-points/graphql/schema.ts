import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { MeResolver } from '../../../../shared/src/graphql/me.resolver.js';
import type { CleanupRequestService } from '../../domain/cleanup-request.service.js';
import type { OperationQueries } from '../../domain/operation-queries.js';
import type { PurgeArchivedService } from '../../domain/purge-archived.service.js';
import type { RestoreArchivedService } from '../../domain/restore-archived.service.js';
import { ArchivedOperationResolver } from './archived-operation.resolver.js';
import { AsyncOperationResolver } from './async-operation.resolver.js';
import { GameTableResolver } from './game-table.resolver.js';

export interface GamesResolverDeps {
  cleanupRequests: CleanupRequestService;
  queries: OperationQueries;
  purger: PurgeArchivedService;
  restorer: RestoreArchivedService;
}

/** The resolver classes of the Games API; the SDL emitted from them is graphql/games.graphql. */
export const GAMES_RESOLVERS = [AsyncOperationResolver, GameTableResolver, ArchivedOperationResolver, MeResolver] as const;

/**
 * Builds the Games schema with resolvers wired to the given services. Validation is explicit:
 * type-graphql 2 validates nothing unless `validate` is set.
 */
export async function buildGamesSchema(deps: GamesResolverDeps): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [AsyncOperationResolver, new AsyncOperationResolver(deps.cleanupRequests, deps.queries)],
    [GameTableResolver, new GameTableResolver(deps.queries)],
    [ArchivedOperationResolver, new ArchivedOperationResolver(deps.purger, deps.restorer)],
    [MeResolver, new MeResolver()],
  ]);
  return buildSchema({
    resolvers: GAMES_RESOLVERS,
    container: { get: (cls) => instances.get(cls) },
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
  });
}
