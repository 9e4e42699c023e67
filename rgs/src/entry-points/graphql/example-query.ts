import type { PlaygroundTab } from '../../../../shared/src/http/graphiql.js';

const RUN_FIELDS = `id status environmentId serversDone serversFailed serversTotal deletedCount archivedCount errors
    startedAt finishedAt approvedAt cancelledAt
    plannedEnvironments { name toDeleteCount toArchiveCount activeTables share needsApproval }
    skippedEnvironments { name reason }
    dispatches { id actionType count status attempts gamesOperationId lastError }`;

/**
 * The saved tabs of the RGS GraphiQL: an operator's everyday operations, one per tab, in the order
 * of a cleanup. Ids are variables (pre-filled with a placeholder) and each tab says where to get them.
 */
export const PLAYGROUND_TABS: readonly PlaygroundTab[] = [
  {
    query: `# Environments, their required currencies and servers.
# The Authorization header is below (Headers).
query Environments {
  environments { id name requiredCurrencies servers { id name active } }
}
`,
  },
  {
    query: `# A dry run: what a cleanup would delete and archive now.
# Nothing is changed. needsApproval: it would remove more
# than CLEANUP_MAX_SHARE of the environment's active tables.
# $environmentId: an id from the Environments tab.
# $serverId (optional): one of its servers.
query Plan($environmentId: ID!, $serverId: ID) {
  cleanupPlan(environmentId: $environmentId, serverId: $serverId) {
    archivedAt toDeleteCount toArchiveCount sampleToDelete sampleToArchive
    activeTables share maxShare needsApproval skippedReason
  }
}
`,
    variables: { environmentId: '<an environment id from the Environments tab>', serverId: null },
  },
  {
    query: `# Start a cleanup run. $environmentId: an id from the
# Environments tab, or null for every environment.
# One run is active at a time. Follow it in the Run tab.
mutation StartCleanup($environmentId: ID) {
  startCleanup(environmentId: $environmentId) { id status archivedAt environmentId }
}
`,
    variables: { environmentId: null },
  },
  {
    query: `# Follow one run: servers done, tables deleted/archived,
# and its outbox to Games (dispatches). Run again to refresh.
# Over the limit it waits as AWAITING_APPROVAL (Approve tab).
# $id: what StartCleanup returned, or an id from RecentRuns.
query Run($id: ID!) {
  cleanupRun(id: $id) {
    ${RUN_FIELDS}
  }
}
`,
    variables: { id: '<a run id from StartCleanup or RecentRuns>' },
  },
  {
    query: `# The latest runs, newest first. A dispatch's gamesOperationId
# is its operation in the Games GraphiQL (Operation tab).
query RecentRuns {
  cleanupRuns(first: 5) {
    ${RUN_FIELDS}
  }
}
`,
  },
  {
    query: `# Let a run AWAITING_APPROVAL go: it runs as planned, without
# the CLEANUP_MAX_SHARE limit. Check its plannedEnvironments
# first (Run tab). $id: the run id.
mutation Approve($id: ID!) {
  approveCleanupRun(id: $id) { id status approvedAt }
}
`,
    variables: { id: '<a run id AWAITING_APPROVAL, from RecentRuns>' },
  },
  {
    query: `# Cancel a QUEUED or AWAITING_APPROVAL run: it has touched
# nothing. A RUNNING run cannot be cancelled. $id: the run id.
mutation Cancel($id: ID!) {
  cancelCleanupRun(id: $id) { id status cancelledAt }
}
`,
    variables: { id: '<a run id QUEUED or AWAITING_APPROVAL, from RecentRuns>' },
  },
  {
    query: `# Send a FAILED dispatch to Games again with a fresh retry
# budget (safe: its id is the idempotency key).
# $id: a FAILED dispatch id, from the Run or RecentRuns tab.
mutation RetryDispatch($id: ID!) {
  retryDispatch(id: $id) { id status attempts lastError }
}
`,
    variables: { id: '<a FAILED dispatch id from the Run tab>' },
  },
];
