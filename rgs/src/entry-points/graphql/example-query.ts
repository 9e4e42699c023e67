/** What GraphiQL shows on first visit: the RGS cleanup flow, ready to run. */
export const EXAMPLE_QUERY = `# RGS cleanup API. The Authorization header is in the Headers tab below.
# 1. Environments and their servers.
query Environments {
  environments { id name requiredCurrencies servers { id name active } }
}

# 2. A dry run for one environment (paste an id from step 1): nothing is changed.
query Plan {
  cleanupPlan(environmentId: "<id>") { archivedAt toDeleteCount toArchiveCount sampleToDelete sampleToArchive }
}

# 3. Start a run (without environmentId: every environment).
mutation Start {
  startCleanup(environmentId: "<id>") { id status archivedAt }
}

# 4. Follow the runs and their outbox to Games.
query Runs {
  cleanupRuns(first: 5) {
    id status serversDone serversTotal deletedCount archivedCount errors startedAt finishedAt
    dispatches { id actionType count status attempts gamesOperationId lastError }
  }
}
`;
