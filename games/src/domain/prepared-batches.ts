import type { ClientSession, Types } from 'mongoose';
import type { GameTable, GameTableDocument } from '../data-access/game-table.model.js';
import { runPostSaveMiddleware, runPreSaveMiddleware } from '../data-access/save-middleware.js';
import { bufferVersions, changedBy, type VersionEntry } from '../data-access/version-history.plugin.js';

/** What archiving a table changes, and all `directBatches` reads of it. */
export type ArchiveState = Pick<GameTable, 'active' | 'archivedAt'> & { _id: Types.ObjectId };

/** A table as the save middleware needs it: every field its callbacks and version history see. */
export type ArchiveCandidate = ArchiveState & Pick<GameTable, 'name' | 'currency'>;

/** The fields each kind of batch reads. */
export const DIRECT_PROJECTION = { active: 1, archivedAt: 1 } as const;
export const MIDDLEWARE_PROJECTION = { name: 1, currency: 1, active: 1, archivedAt: 1, createdAt: 1, updatedAt: 1 } as const;

/** A batch of tables to archive with one write, and the versions that write records. */
export interface PreparedBatch {
  /** The tables of this batch (tables already archived are left out). */
  ids: Types.ObjectId[];
  /** The batch's versions; complete once `afterWrite` has run. */
  versions: VersionEntry[];
  /** Runs before the batch is written, in its transaction (the tables' pre-save middleware). */
  beforeWrite(session: ClientSession): Promise<void>;
  /** Runs once the batch is written (the tables' post-save middleware). */
  afterWrite(): Promise<void>;
  /**
   * No middleware runs around the write and the versions are complete before it: the tables'
   * change and the versions can reach mongod as one bulk write.
   */
  plain: boolean;
}

/** Hands out the batches of one operation, one per call; an empty batch when none is left. */
export type BatchSource = () => PreparedBatch;

interface ArchiveTarget {
  archivedAt: Date;
  operationId: Types.ObjectId;
  batchSize: number;
}

/**
 * Batches whose tables go through the model's save middleware: each document is hydrated (its
 * `init` middleware runs), gets `active: false` and `archivedAt` in memory, records `operationId`
 * as the author of its next version and buffers that version; `beforeWrite` and `afterWrite` run
 * the pre- and post-save middleware (callbacks, validation, version history). For a model with
 * callbacks, which may refuse a record or change it.
 */
export function middlewareBatches(
  raw: readonly ArchiveCandidate[],
  hydrate: (doc: ArchiveCandidate) => GameTableDocument,
  target: ArchiveTarget,
): BatchSource {
  return chunked(raw, target.batchSize, (docs) => {
    const versions: VersionEntry[] = [];
    const tables = docs.map((doc) => {
      const table = hydrate(doc);
      // One path at a time: `set(object)` resolves every key's path type first, about a third of its cost.
      table.set('active', false);
      table.set('archivedAt', target.archivedAt);
      changedBy(table, target.operationId);
      bufferVersions(table, versions);
      return table;
    });
    return {
      ids: tables.map((table) => table._id),
      versions,
      beforeWrite: (session) => runPreSaveMiddleware(tables, session),
      afterWrite: () => runPostSaveMiddleware(tables),
      plain: false,
    };
  });
}

/**
 * Batches written without hydrating a document: for a model with no callbacks, the save middleware
 * would only record each table's version, which is built here from the document as read: the same
 * `update` version the version history records (the tracked fields that change, before and after),
 * authored by the operation. The equivalence is tested with arbitrary tables
 * (`tests/games/archive-paths.test.ts`).
 */
export function directBatches(raw: readonly ArchiveState[], target: ArchiveTarget): BatchSource {
  return chunked(raw, target.batchSize, (docs) => {
    const createdAt = new Date();
    return {
      ids: docs.map((doc) => doc._id),
      versions: docs.flatMap((doc) => {
        const changes = archiveChanges(doc, target.archivedAt);
        return changes ? [{ itemId: doc._id, event: 'update' as const, changes, operationId: target.operationId, createdAt }] : [];
      }),
      beforeWrite: async () => {},
      afterWrite: async () => {},
      plain: true,
    };
  });
}

/** The tracked fields archiving changes, `[before, after]`; undefined when it changes none. */
function archiveChanges(doc: ArchiveState, archivedAt: Date): VersionEntry['changes'] | undefined {
  const changes: VersionEntry['changes'] = {};
  // A missing `active` reads as the schema's default (true), as a hydrated document has it.
  const activeBefore = doc.active ?? true;
  if (activeBefore) changes.active = [activeBefore, false];
  if (doc.archivedAt?.getTime() !== archivedAt.getTime()) changes.archivedAt = [doc.archivedAt ?? null, archivedAt];
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/**
 * Cuts `raw` into batches of at most `batchSize` tables still to archive, built lazily so the caller
 * can build one while the previous one is written. A table already archived (inactive with an
 * `archivedAt`) is left as it is.
 */
function chunked<T extends ArchiveState>(raw: readonly T[], batchSize: number, build: (docs: T[]) => PreparedBatch): BatchSource {
  if (batchSize < 1) throw new RangeError(`batch size must be at least 1, got ${batchSize}`);
  let position = 0;
  return () => {
    const docs: T[] = [];
    while (position < raw.length && docs.length < batchSize) {
      const doc = raw[position++]!;
      if (doc.active === false && doc.archivedAt != null) continue;
      docs.push(doc);
    }
    return build(docs);
  };
}
