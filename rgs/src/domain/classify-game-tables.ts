import type { ClientSession, Types } from 'mongoose';
import type { RgsModels } from '../data-access/rgs-models.js';
import { CleanupAction } from './statuses.js';

/** Games accepts at most this many ids per call; local transactions use the same slices. */
export const SLICE_SIZE = 500;

/**
 * Candidates read (and classified) per query: ten slices' worth. Every query costs a round trip
 * on each side, which on a busy machine costs more CPU than reading the documents; a page of
 * 5,000 ids and boIds is still well under a megabyte.
 */
export const CANDIDATE_PAGE_SIZE = 5_000;

/** What the classification needs of a table. */
export interface Candidate {
  _id: Types.ObjectId;
  boId: Types.ObjectId;
}

/** Tables of one server that get the same action, at most SLICE_SIZE of them. */
export interface ClassifiedSlice {
  action: CleanupAction;
  tables: Candidate[];
}

export interface CandidateScope {
  serverId: Types.ObjectId;
  /** The environment's required currencies (upper case). */
  requiredCurrencies: readonly string[];
  /** Only traffic on or after this day counts; null: any traffic. */
  trafficSince: Date | null;
}

/**
 * Active tables of the server in a currency outside the required ones: the cleanup candidates.
 * With no required currencies nothing is a candidate (see whyNeverCleaned): the filter matches no
 * table, so no path through the code (plan, kickoff, a chain link) can clean such a server.
 */
export function candidateFilter(serverId: Types.ObjectId, requiredCurrencies: readonly string[]) {
  const nothing = requiredCurrencies.length === 0 ? { _id: { $in: [] } } : {};
  return { serverId, active: true, currency: { $nin: requiredCurrencies.map((c) => c.toUpperCase()) }, ...nothing };
}

/** The ids among `tableIds` that have traffic (an AggregatedGgr row, within the window). */
export async function tablesWithTraffic(
  models: RgsModels,
  tableIds: Types.ObjectId[],
  since: Date | null,
  session?: ClientSession,
): Promise<Set<string>> {
  const filter = { gameTableId: { $in: tableIds }, ...(since ? { day: { $gte: since } } : {}) };
  const ids = await models.AggregatedGgr.distinct('gameTableId', filter).session(session ?? null);
  return new Set(ids.map(String));
}

/** Splits candidates into to-delete (no traffic) and to-archive (traffic). */
export async function classify(models: RgsModels, candidates: Candidate[], since: Date | null): Promise<Record<CleanupAction, Candidate[]>> {
  const traffic = await tablesWithTraffic(models, candidates.map((c) => c._id), since);
  return {
    [CleanupAction.DELETE]: candidates.filter((c) => !traffic.has(String(c._id))),
    [CleanupAction.ARCHIVE]: candidates.filter((c) => traffic.has(String(c._id))),
  };
}

/**
 * Streams a server's candidates a page of CANDIDATE_PAGE_SIZE at a time (never all in memory), classifies
 * each page and yields full slices per action as they fill up, then the remainders. Pages are read
 * by `_id` after the last one seen (one indexed query each, straight from the driver: no cursor
 * state to keep, no per-document promise), so the consumer may change the tables it received
 * before asking for the next slice: the walk goes upwards and never comes back to them.
 */
export async function* classifiedSlices(
  models: RgsModels,
  scope: CandidateScope,
  { pageSize = CANDIDATE_PAGE_SIZE }: { pageSize?: number } = {},
): AsyncGenerator<ClassifiedSlice> {
  const pending: Record<CleanupAction, Candidate[]> = { [CleanupAction.DELETE]: [], [CleanupAction.ARCHIVE]: [] };
  const candidates = candidateFilter(scope.serverId, scope.requiredCurrencies);
  let after: Types.ObjectId | null = null;
  for (let more = true; more; ) {
    const page: Candidate[] = await models.GameTable.collection
      // One batch: without `batchSize` the driver fetches 101 documents, then the rest with a getMore.
      .find<Candidate>(after ? { $and: [candidates, { _id: { $gt: after } }] } : candidates, {
        projection: { _id: 1, boId: 1 },
        sort: { _id: 1 },
        limit: pageSize,
        batchSize: pageSize,
      })
      .toArray();
    more = page.length === pageSize;
    after = page.at(-1)?._id ?? after;
    if (page.length > 0) {
      const classified = await classify(models, page, scope.trafficSince);
      for (const action of [CleanupAction.DELETE, CleanupAction.ARCHIVE]) pending[action].push(...classified[action]);
    }
    for (const action of [CleanupAction.DELETE, CleanupAction.ARCHIVE]) {
      while (pending[action].length >= SLICE_SIZE || (!more && pending[action].length > 0)) {
        yield { action, tables: pending[action].splice(0, SLICE_SIZE) };
      }
    }
  }
}
