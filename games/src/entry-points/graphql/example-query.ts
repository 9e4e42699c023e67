/** What GraphiQL shows on first visit: the phase 1 flow, ready to edit and run. */
export const EXAMPLE_QUERY = `# Games cleanup API. The Authorization header is in the Headers tab below.
# 1. Find some active tables.
query ActiveTables {
  gameTables(active: true, first: 5) { id name currency active archivedAt }
}

# 2. Archive them (paste ids from step 1). async: false waits for the result.
mutation Cleanup {
  cleanupGameTables(
    ids: ["<id>"]
    actionType: DELETE
    archivedAt: "2026-11-25T11:11:11.000Z"
    async: false
  ) { id status requestedCount succeededIds failures { gameTableId message } }
}

# 3. Follow an operation.
query Operations {
  operations(first: 10) { id status actionType processedCount requestedCount attempts createdAt }
}

# 4. Phase 2, after verifying (see the README): undo, or hard-delete a DEFERRED DELETE operation.
mutation Restore { restoreArchived(operationId: "<operation id>") { id status } }
mutation Purge {
  purgeArchived(operationId: "<operation id>") { operation { status purgedAt } purgedIds failures { gameTableId message } }
}
`;
