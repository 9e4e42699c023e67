import type { Types } from 'mongoose';
import type { KickoffScheduler } from './cleanup-kickoff.service.js';
import { CleanupRunNotFoundError, RunNotAwaitingApprovalError, RunNotCancellableError } from './errors.js';
import type { RunAudit } from './run-audit.js';
import type { RunProgress, RunRecord } from './run-progress.js';

/**
 * A person's decision on a run held by the blast-radius limit: approve it (it is queued again and
 * runs as planned), or cancel it (or a run still QUEUED), which ends it having touched nothing.
 */
export class CleanupApprovalService {
  constructor(private readonly deps: { progress: RunProgress; kickoffScheduler: KickoffScheduler; audit: RunAudit }) {}

  /** `approveCleanupRun`: AWAITING_APPROVAL → QUEUED, then the kickoff runs without the limit. */
  async approve(runId: Types.ObjectId): Promise<RunRecord> {
    const approved = await this.deps.progress.approve(runId);
    if (!approved) throw new RunNotAwaitingApprovalError(String(runId), await this.statusOf(runId));
    await this.deps.kickoffScheduler.enqueueKickoff(runId, 'approved');
    await this.deps.audit.note({ event: 'approved', runId: String(runId) }, 'cleanup run approved');
    return approved;
  }

  /** `cancelCleanupRun`: QUEUED or AWAITING_APPROVAL → CANCELLED; a RUNNING or ended run is refused. */
  async cancel(runId: Types.ObjectId): Promise<RunRecord> {
    const before = await this.deps.progress.get(runId);
    if (!before) throw new CleanupRunNotFoundError(String(runId));
    const cancelled = await this.deps.progress.cancel(runId);
    if (!cancelled) throw new RunNotCancellableError(String(runId), await this.statusOf(runId));
    await this.deps.audit.note({ event: 'cancelled', runId: String(runId), previousStatus: before.status }, 'cleanup run cancelled');
    return cancelled;
  }

  private async statusOf(runId: Types.ObjectId): Promise<string> {
    const run = await this.deps.progress.get(runId);
    if (!run) throw new CleanupRunNotFoundError(String(runId));
    return run.status;
  }
}
