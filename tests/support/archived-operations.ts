import type { SchemaPlugin } from '../../games/src/data-access/game-table.model.js';
import type { TestGames } from './games-app.js';
import { createGameTables } from './game-tables.js';

/** The instant phase 1 stamps on the tables in these tests (RGS sends today 11:11:11). */
export const PHASE_ONE_ARCHIVED_AT = '2026-11-25T11:11:11.000Z';

const ARCHIVE_NOW = `mutation ArchiveNow($ids: [ID!]!, $actionType: CleanupAction!, $archivedAt: DateTimeISO!) {
  cleanupGameTables(ids: $ids, actionType: $actionType, archivedAt: $archivedAt, async: false) { id status }
}`;

export const PURGE_ARCHIVED = `mutation Purge($operationId: ID!) {
  purgeArchived(operationId: $operationId) {
    operation { id status actionType purgedAt succeededIds }
    purgedIds
    failures { gameTableId message }
  }
}`;

export const RESTORE_ARCHIVED = `mutation Restore($operationId: ID!) {
  restoreArchived(operationId: $operationId) { id status actionType archivedAt succeededIds purgedAt }
}`;

export interface ArchivedOperation {
  operationId: string;
  ids: string[];
}

/** Phase 1 done: `count` new tables archived by one sync operation, now DEFERRED. */
export async function archivedOperation(
  games: TestGames,
  count: number,
  { actionType = 'DELETE', archivedAt = PHASE_ONE_ARCHIVED_AT }: { actionType?: 'DELETE' | 'ARCHIVE'; archivedAt?: string } = {},
): Promise<ArchivedOperation> {
  const ids = await createGameTables(games.models.GameTable, count);
  const res = await games.gql(ARCHIVE_NOW, { ids, actionType, archivedAt });
  const operation = res.body.data?.cleanupGameTables;
  if (operation?.status !== 'DEFERRED') throw new Error(`phase 1 did not defer: ${JSON.stringify(res.body)}`);
  return { operationId: operation.id as string, ids };
}

/** The first error code of a response, for asserting on refusals. */
export const errorCode = (res: Awaited<ReturnType<TestGames['gql']>>) => res.body.errors?.[0]?.extensions?.code;

/**
 * A GameTable delete callback for tests (pass `plugin` to startTestGames): counts the deletes it
 * sees per table and refuses the table named with `refuse`, like a callback that raises in Rails.
 */
export function deleteCallbackProbe() {
  const calls: string[] = [];
  let refused: string | null = null;
  const plugin: SchemaPlugin = (schema) => {
    schema.pre('deleteOne', { document: true, query: false }, function (this: { _id: unknown }) {
      const id = String(this._id);
      if (id === refused) throw new Error(`callback refused to delete ${id}`);
      calls.push(id);
    });
  };
  return {
    plugin,
    refuse: (id: string | null) => {
      refused = id;
    },
    callsFor: (id: string) => calls.filter((call) => call === id).length,
  };
}
