import type { RequestContext } from '../../../../shared/src/http/graphql-service.js';
import { byIdLoader, groupedLoader } from '../../../../shared/src/graphql/loaders.js';
import type { OperationQueries } from '../../domain/operation-queries.js';

/** The per-request loaders of the Games resolvers: one query per relation per page, not per row. */
export function gamesLoaders(queries: OperationQueries) {
  return () => ({
    /** A game table's versions, oldest first. */
    versions: groupedLoader((ids) => queries.versionsOf(ids), (version) => version.gameTableId),
    /** An operation's integration message. */
    messages: byIdLoader((ids) => queries.messages(ids)),
  });
}

export type GamesContext = RequestContext<ReturnType<ReturnType<typeof gamesLoaders>>>;
