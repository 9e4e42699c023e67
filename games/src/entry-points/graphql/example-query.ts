import type { PlaygroundTab } from '../../../../shared/src/http/graphiql.js';

/**
 * The saved tabs of the Games GraphiQL: phase 2 (verify, restore, purge) in order, then phase 1 by
 * hand. Ids are variables (pre-filled with a placeholder) and each tab says where to get them.
 */
export const PLAYGROUND_TABS: readonly PlaygroundTab[] = [
  {
    query: `# DELETE operations archived in phase 1 and waiting for a
# person (phase 2), newest first.
# The Authorization header is below (Headers).
query WaitingForPhase2 {
  operations(status: DEFERRED, actionType: DELETE, first: 50) {
    id archivedAt createdAt requestedCount processedCount
    failures { gameTableId message }
    message { idempotencyKey }
  }
}
`,
  },
  {
    query: `# One operation with its tables: succeededIds are what a
# purge deletes, failures the ids phase 1 did not archive.
# $id: an id from WaitingForPhase2, or a gamesOperationId
# from the RGS Run tab.
query Operation($id: ID!) {
  operation(id: $id) {
    id status actionType archivedAt requestedCount processedCount attempts createdAt purgedAt
    succeededIds
    failures { gameTableId message }
    message { id gameTableIds idempotencyKey }
  }
}
`,
    variables: { id: '<an operation id from WaitingForPhase2>' },
  },
  {
    query: `# Verify an archived table: active false, archivedAt equal
# to its operation's, and an "update" version with that
# operationId. $id: one of the Operation tab's succeededIds.
query VerifyTable($id: ID!) {
  gameTable(id: $id) {
    id name currency active archivedAt
    versions { event changes operationId createdAt }
  }
}
`,
    variables: { id: '<a table id from the Operation tab (succeededIds)>' },
  },
  {
    query: `# Undo phase 1: re-activates the operation's tables still
# archived at its archivedAt; it becomes RESTORED and is
# never purged. $operationId: an id from WaitingForPhase2.
mutation Restore($operationId: ID!) {
  restoreArchived(operationId: $operationId) { id status }
}
`,
    variables: { operationId: '<an operation id from WaitingForPhase2>' },
  },
  {
    query: `# Phase 2, after verifying: hard-deletes a DEFERRED DELETE
# operation's tables. Irreversible. For many at once:
# npm run purge (README). $operationId: from WaitingForPhase2.
mutation Purge($operationId: ID!) {
  purgeArchived(operationId: $operationId) {
    operation { id status purgedAt }
    purgedIds
    failures { gameTableId message }
  }
}
`,
    variables: { operationId: '<an operation id from WaitingForPhase2>' },
  },
  {
    query: `# Phase 1 by hand. Find some active tables first…
query ActiveTables {
  gameTables(active: true, first: 5) { id name currency active archivedAt }
}
`,
  },
  {
    query: `# …then archive them. $ids: 1 to 500 ids from ActiveTables.
# async: false waits for the result.
mutation CleanupGameTables($ids: [ID!]!, $archivedAt: DateTimeISO!) {
  cleanupGameTables(ids: $ids, actionType: DELETE, archivedAt: $archivedAt, async: false) {
    id status requestedCount succeededIds failures { gameTableId message }
  }
}
`,
    variables: { ids: ['<a table id from ActiveTables>'], archivedAt: '2026-11-25T11:11:11.000Z' },
  },
];
