import type { Types } from 'mongoose';
import type { GameTableDocument } from '../data-access/game-table.model.js';
import { bufferVersions, changedBy, type VersionEntry } from '../data-access/version-history.plugin.js';

/** A batch of tables ready for the save middleware: archived in memory, versions going to `versions`. */
export interface PreparedBatch {
  tables: GameTableDocument[];
  /** Filled by the tables' save middleware (version history) as the batch is saved. */
  versions: VersionEntry[];
}

/**
 * Turns the raw documents of one operation into batches of at most `batchSize` tables to archive,
 * one batch per call (an empty batch when none is left), so the caller can prepare a batch while
 * the previous one is being written. Each document is hydrated (its `init` middleware runs);
 * tables already archived are left as they are. A table to archive gets `active: false` and
 * `archivedAt`, records `operationId` as the author of its next version, and buffers that version.
 */
export function preparedBatches(
  raw: readonly unknown[],
  hydrate: (doc: unknown) => GameTableDocument,
  { archivedAt, operationId, batchSize }: { archivedAt: Date; operationId: Types.ObjectId; batchSize: number },
): () => PreparedBatch {
  if (batchSize < 1) throw new RangeError(`batch size must be at least 1, got ${batchSize}`);
  let position = 0;
  return () => {
    const batch: PreparedBatch = { tables: [], versions: [] };
    while (position < raw.length && batch.tables.length < batchSize) {
      const table = hydrate(raw[position++]);
      if (!table.active && table.archivedAt != null) continue;
      // One path at a time: `set(object)` resolves every key's path type first, about a third of its cost.
      table.set('active', false);
      table.set('archivedAt', archivedAt);
      changedBy(table, operationId);
      bufferVersions(table, batch.versions);
      batch.tables.push(table);
    }
    return batch;
  };
}
