import type { PlaygroundTab } from '../../../../shared/src/http/graphiql.js';

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
# Nothing is changed.
# $environmentId: an id from the Environments tab.
# $serverId (optional): one of its servers.
query Plan($environmentId: ID!, $serverId: ID) {
  cleanupPlan(environmentId: $environmentId, serverId: $serverId) {
    archivedAt toDeleteCount toArchiveCount sampleToDelete sampleToArchive
  }
}
`,
    variables: { environmentId: '<an environment id from the Environments tab>', serverId: null },
  },
  {
    query: `# Start a cleanup run. $environmentId: an id from the
# Environments tab, or null for every environment.
# Follow it in the Run tab with the id this returns.
mutation StartCleanup($environmentId: ID) {
  startCleanup(environmentId: $environmentId) { id status archivedAt environmentId }
}
`,
    variables: { environmentId: null },
  },
  {
    query: `# Follow one run: servers done, tables deleted/archived,
# and its outbox to Games (dispatches). Run again to refresh.
# $id: what StartCleanup returned, or an id from RecentRuns.
query Run($id: ID!) {
  cleanupRun(id: $id) {
    id status serversDone serversTotal deletedCount archivedCount errors startedAt finishedAt
    dispatches { id actionType count status attempts gamesOperationId lastError }
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
    id status environmentId serversDone serversTotal deletedCount archivedCount errors startedAt finishedAt
    dispatches { id actionType count status attempts gamesOperationId lastError }
  }
}
`,
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
