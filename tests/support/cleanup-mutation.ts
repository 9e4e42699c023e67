/** The cleanupGameTables mutation with every field of the operation, as the tests read it. */
export const CLEANUP_MUTATION = `mutation Cleanup($ids: [ID!]!, $actionType: CleanupAction!, $archivedAt: DateTimeISO!, $async: Boolean, $idempotencyKey: String) {
  cleanupGameTables(ids: $ids, actionType: $actionType, archivedAt: $archivedAt, async: $async, idempotencyKey: $idempotencyKey) {
    id status actionType archivedAt async requestedCount processedCount succeededIds attempts createdAt updatedAt purgedAt
    failures { gameTableId message }
    message { id actionType archivedAt gameTableIds idempotencyKey createdAt }
  }
}`;

export const OPERATION_QUERY = `query Operation($id: ID!) {
  operation(id: $id) { id status processedCount requestedCount succeededIds attempts failures { gameTableId message } }
}`;

export const ARCHIVED_AT = '2026-11-25T11:11:11.000Z';
