import { eventually } from '../../support/eventually.js';
import type { TestRgs } from './rgs-app.js';

export const RUN_FIELDS = `id status environmentId archivedAt serversTotal serversDone serversFailed deletedCount archivedCount errors startedAt finishedAt
  maxShare approvedAt cancelledAt
  plannedEnvironments { environmentId name toDeleteCount toArchiveCount activeTables share needsApproval }
  skippedEnvironments { environmentId name reason }
  dispatches { id actionType count status attempts gamesOperationId lastError }`;

export const START_CLEANUP = `mutation Start($environmentId: ID) { startCleanup(environmentId: $environmentId) { ${RUN_FIELDS} } }`;
export const CLEANUP_RUN = `query Run($id: ID!) { cleanupRun(id: $id) { ${RUN_FIELDS} } }`;
export const APPROVE_RUN = `mutation Approve($id: ID!) { approveCleanupRun(id: $id) { ${RUN_FIELDS} } }`;
export const CANCEL_RUN = `mutation Cancel($id: ID!) { cancelCleanupRun(id: $id) { ${RUN_FIELDS} } }`;
export const CLEANUP_PLAN = `query Plan($environmentId: ID!, $serverId: ID) {
  cleanupPlan(environmentId: $environmentId, serverId: $serverId) {
    toDeleteCount toArchiveCount activeTables share maxShare needsApproval skippedReason sampleToDelete sampleToArchive
  }
}`;

/** Starts a run through the API and returns its id. */
export async function startCleanup(rgs: TestRgs, environmentId: string | null): Promise<string> {
  const res = await rgs.gql(START_CLEANUP, { environmentId });
  if (res.body.errors) throw new Error(`startCleanup failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data!.startCleanup.id as string;
}

/** Polls the run through the API until `done` holds for it. */
export async function waitForRun(rgs: TestRgs, id: string, done: (run: Record<string, any>) => boolean, timeoutMs = 20_000) {
  const probe = async () => (await rgs.gql(CLEANUP_RUN, { id })).body.data?.cleanupRun as Record<string, any>;
  return eventually(probe, (run) => run != null && done(run), { timeoutMs, intervalMs: 100 });
}

export const isAwaitingApproval = (run: Record<string, any>) => run.status === 'AWAITING_APPROVAL';
export const isCompleted = (run: Record<string, any>) => run.status === 'COMPLETED';
export const isFailed = (run: Record<string, any>) => run.status === 'FAILED';
export const allSent = (run: Record<string, any>) => isCompleted(run) && run.dispatches.every((d: { status: string }) => d.status === 'SENT');
