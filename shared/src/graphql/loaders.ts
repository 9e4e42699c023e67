import DataLoader from 'dataloader';
import type { Types } from 'mongoose';

/**
 * A DataLoader that answers "the rows whose `key` field is this id" for many ids with one query:
 * what a per-row relation needs so that a page of N parents costs one query, not N. Keys are
 * ObjectIds, compared by their hex string.
 */
export function groupedLoader<Row>(load: (ids: readonly Types.ObjectId[]) => Promise<Row[]>, keyOf: (row: Row) => Types.ObjectId): DataLoader<Types.ObjectId, Row[], string> {
  return new DataLoader(
    async (ids) => {
      const groups = new Map<string, Row[]>(ids.map((id) => [String(id), []]));
      for (const row of await load(ids)) groups.get(String(keyOf(row)))?.push(row);
      return ids.map((id) => groups.get(String(id))!);
    },
    { cacheKeyFn: String },
  );
}

/** A DataLoader of documents by id (one `$in` query per batch); a missing document is null. */
export function byIdLoader<Row extends { _id: Types.ObjectId }>(load: (ids: readonly Types.ObjectId[]) => Promise<Row[]>): DataLoader<Types.ObjectId, Row | null, string> {
  return new DataLoader(
    async (ids) => {
      const rows = new Map((await load(ids)).map((row) => [String(row._id), row]));
      return ids.map((id) => rows.get(String(id)) ?? null);
    },
    { cacheKeyFn: String },
  );
}
