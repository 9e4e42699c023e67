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

/** Tables of one server that get the same action, at most SLICE_SIZE of them. */
export interface ClassifiedSlice {
  action: CleanupAction;
  tableIds: Types.ObjectId[];
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
  // An aggregation, not `distinct`: a slice calls this inside its transaction, and MongoDB refuses
  // `distinct` on a sharded collection in a transaction (error 263). Sorted and grouped by the
  // index's first key, it runs as the same DISTINCT_SCAN `distinct` does (one index key per table),
  // and the ids come back as one document. Straight from the driver: the ids are ObjectIds already,
  // and casting thousands costs more than the query.
  const [found] = await models.AggregatedGgr.collection
    .aggregate<{ ids: Types.ObjectId[] }>(
      [{ $match: filter }, { $sort: { gameTableId: 1 } }, { $group: { _id: '$gameTableId' } }, { $group: { _id: null, ids: { $push: '$_id' } } }],
      session ? { session } : {},
    )
    .toArray();
  return new Set((found?.ids ?? []).map(String));
}

/** Splits candidate ids into to-delete (no traffic) and to-archive (traffic). */
export async function classify(models: RgsModels, tableIds: Types.ObjectId[], since: Date | null): Promise<Record<CleanupAction, Types.ObjectId[]>> {
  const traffic = await tablesWithTraffic(models, tableIds, since);
  // One pass, one hex string per candidate: a plan and a run each classify every candidate.
  const classified: Record<CleanupAction, Types.ObjectId[]> = { [CleanupAction.DELETE]: [], [CleanupAction.ARCHIVE]: [] };
  for (const id of tableIds) classified[traffic.has(String(id)) ? CleanupAction.ARCHIVE : CleanupAction.DELETE].push(id);
  return classified;
}

const ACTIONS = [CleanupAction.DELETE, CleanupAction.ARCHIVE] as const;

/**
 * The ids of a server's candidates after `after`, the first `pageSize` in `_id` order, as ONE
 * document: the index holds every field the query needs (no table is fetched), and one array of
 * ids costs the driver a fraction of the CPU of as many one-field documents, each of which it
 * parses on its own, for every id, twice per run (figures in docs/decisions/0012-client-bulk-write.md).
 * `$push` keeps the order of the `$sort` before it.
 */
async function candidatePage(models: RgsModels, candidates: object, after: Types.ObjectId | null, pageSize: number): Promise<Types.ObjectId[]> {
  const [page] = await models.GameTable.collection
    .aggregate<{ ids: Types.ObjectId[] }>([
      { $match: after ? { $and: [candidates, { _id: { $gt: after } }] } : candidates },
      { $sort: { _id: 1 } },
      { $limit: pageSize },
      { $group: { _id: null, ids: { $push: '$_id' } } },
    ])
    .toArray();
  return page?.ids ?? [];
}

/**
 * The walk the run and the plan share: the server's candidates, at most `pageSize` per query in
 * `_id` order, each page classified. Each page is one indexed query by `_id` after the last one
 * seen: no cursor state to keep, no per-document promise. The walk goes upwards and never comes
 * back, so the consumer may change the tables of a page before asking for the next one. `last`
 * marks the final page (possibly empty).
 */
async function* classifiedPages(
  models: RgsModels,
  scope: CandidateScope,
  pageSize: number,
): AsyncGenerator<{ classified: Record<CleanupAction, Types.ObjectId[]>; last: boolean }> {
  const candidates = candidateFilter(scope.serverId, scope.requiredCurrencies);
  let after: Types.ObjectId | null = null;
  for (let more = true; more; ) {
    const page = await candidatePage(models, candidates, after, pageSize);
    more = page.length === pageSize;
    after = page.at(-1) ?? after;
    const classified = page.length > 0 ? await classify(models, page, scope.trafficSince) : { [CleanupAction.DELETE]: [], [CleanupAction.ARCHIVE]: [] };
    yield { classified, last: !more };
  }
}

/**
 * Streams a server's candidates a page of CANDIDATE_PAGE_SIZE at a time (never all in memory),
 * classifies each page and yields full slices per action as they fill up, then the remainders.
 */
export async function* classifiedSlices(
  models: RgsModels,
  scope: CandidateScope,
  { pageSize = CANDIDATE_PAGE_SIZE }: { pageSize?: number } = {},
): AsyncGenerator<ClassifiedSlice> {
  const pending: Record<CleanupAction, Types.ObjectId[]> = { [CleanupAction.DELETE]: [], [CleanupAction.ARCHIVE]: [] };
  for await (const { classified, last } of classifiedPages(models, scope, pageSize)) {
    for (const action of ACTIONS) pending[action].push(...classified[action]);
    for (const action of ACTIONS) {
      while (pending[action].length >= SLICE_SIZE || (last && pending[action].length > 0)) {
        yield { action, tableIds: pending[action].splice(0, SLICE_SIZE) };
      }
    }
  }
}

/** How many of a server's candidates go to one action, and the first of them. */
export interface ClassifiedCount {
  count: number;
  /** The first `sampleSize` ids, in `_id` order. */
  sample: Types.ObjectId[];
}

/**
 * What `classifiedSlices` would yield for the server, counted: per action, how many candidates and
 * the first `sampleSize` ids, from the same walk.
 */
export async function classifiedCounts(
  models: RgsModels,
  scope: CandidateScope,
  sampleSize: number,
  { pageSize = CANDIDATE_PAGE_SIZE }: { pageSize?: number } = {},
): Promise<Record<CleanupAction, ClassifiedCount>> {
  const counts: Record<CleanupAction, ClassifiedCount> = {
    [CleanupAction.DELETE]: { count: 0, sample: [] },
    [CleanupAction.ARCHIVE]: { count: 0, sample: [] },
  };
  for await (const { classified } of classifiedPages(models, scope, pageSize)) {
    for (const action of ACTIONS) {
      counts[action].count += classified[action].length;
      counts[action].sample.push(...classified[action].slice(0, sampleSize - counts[action].sample.length));
    }
  }
  return counts;
}
