/** What GraphiQL shows on first visit: the RGS cleanup flow, ready to run. */
export const EXAMPLE_QUERY = `# RGS cleanup API. The Authorization header is in the Headers tab below.
# 1. Environments and their servers.
query Environments {
  environments { id name requiredCurrencies servers { id name active } }
}

# 2. A dry run for one environment (paste an id from step 1): nothing is changed.
#    needsApproval: the run would remove more than CLEANUP_MAX_SHARE of the environment's active tables.
query Plan {
  cleanupPlan(environmentId: "<id>") {
    archivedAt toDeleteCount toArchiveCount sampleToDelete sampleToArchive
    activeTables share maxShare needsApproval skippedReason
  }
}

# 3. Start a run (without environmentId: every environment). One run is active at a time.
mutation Start {
  startCleanup(environmentId: "<id>") { id status archivedAt }
}

# 4. Follow the runs and their outbox to Games. A run over the limit waits as AWAITING_APPROVAL.
query Runs {
  cleanupRuns(first: 5) {
    id status serversDone serversTotal deletedCount archivedCount errors startedAt finishedAt
    plannedEnvironments { name toDeleteCount toArchiveCount activeTables share needsApproval }
    skippedEnvironments { name reason }
    dispatches { id actionType count status attempts gamesOperationId lastError }
  }
}

# 5. A run AWAITING_APPROVAL: let it go, or cancel it (it has touched nothing).
mutation Approve {
  approveCleanupRun(id: "<run id>") { id status approvedAt }
}

mutation Cancel {
  cancelCleanupRun(id: "<run id>") { id status cancelledAt }
}
`;
