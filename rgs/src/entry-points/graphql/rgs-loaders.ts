import DataLoader from 'dataloader';
import { type Types } from 'mongoose';
import type { RequestContext } from '../../../../shared/src/http/graphql-service.js';
import { groupedLoader } from '../../../../shared/src/graphql/loaders.js';
import type { DispatchSummary, RgsQueries } from '../../domain/rgs-queries.js';

/** Which page of a run's dispatches a field asks for. */
export interface DispatchPageKey {
  runId: Types.ObjectId;
  first: number;
  after: Types.ObjectId | null;
}

/**
 * Dispatch pages of many runs: the runs that ask for the same page (same `first` and `after`, the
 * usual case in a list of runs) are loaded with one query.
 */
function dispatchPagesLoader(queries: RgsQueries): DataLoader<DispatchPageKey, DispatchSummary[], string> {
  const pageOf = (key: DispatchPageKey) => `${key.first}:${key.after ? String(key.after) : ''}`;
  return new DataLoader(
    async (keys) => {
      const byPage = new Map<string, DispatchPageKey[]>();
      for (const key of keys) byPage.set(pageOf(key), [...(byPage.get(pageOf(key)) ?? []), key]);
      const rowsByKey = new Map<string, DispatchSummary[]>();
      for (const [page, pageKeys] of byPage) {
        const rows = await queries.dispatchesOf(pageKeys.map((key) => key.runId), { first: pageKeys[0]!.first, after: pageKeys[0]!.after });
        for (const key of pageKeys) rowsByKey.set(`${String(key.runId)}@${page}`, []);
        for (const row of rows) rowsByKey.get(`${String(row.runId)}@${page}`)?.push(row);
      }
      return keys.map((key) => rowsByKey.get(`${String(key.runId)}@${pageOf(key)}`)!);
    },
    { cacheKeyFn: (key) => `${String(key.runId)}@${pageOf(key)}` },
  );
}

/** The per-request loaders of the RGS resolvers: one query per relation per page, not per row. */
export function rgsLoaders(queries: RgsQueries) {
  return () => ({
    /** An environment's servers, in creation order. */
    servers: groupedLoader((ids) => queries.serversOf(ids), (server) => server.environmentId),
    /** A page of a run's dispatches, in the order they were written. */
    dispatchPages: dispatchPagesLoader(queries),
  });
}

export type RgsContext = RequestContext<ReturnType<ReturnType<typeof rgsLoaders>>>;
