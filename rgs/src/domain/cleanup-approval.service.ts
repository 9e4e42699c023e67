import type { Types } from 'mongoose';
import type { KickoffScheduler } from './cleanup-kickoff.service.js';
import { CleanupRunNotFoundError, RunNotAwaitingApprovalError, RunNotCancellableError, SelfApprovalError } from './errors.js';
import type { RunAudit } from './run-audit.js';
import type { RunProgress, RunRecord } from './run-progress.js';
import { RunStatus } from './statuses.js';

/**
 * A person's decision on a run held by the blast-radius limit: approve it (it is queued again and
 * runs as planned), or cancel it (or a run still QUEUED), which ends it having touched nothing.
 * Two-person approval: the principal that started a run cannot approve it, unless
 * ALLOW_SELF_APPROVAL (`allowSelfApproval`) says so.
 */
export class CleanupApprovalService {
  constructor(private readonly deps: { progress: RunProgress; kickoffScheduler: KickoffScheduler; audit: RunAudit; allowSelfApproval: boolean }) {}

  /** `approveCleanupRun`: AWAITING_APPROVAL → QUEUED, then the kickoff runs without the limit. */
  async approve(runId: Types.ObjectId, approvedBy: string): Promise<RunRecord> {
    const approved = await this.deps.progress.approve(runId, approvedBy, !this.deps.allowSelfApproval);
    if (!approved) throw await this.approvalRefusal(runId, approvedBy);
    await this.deps.kickoffScheduler.enqueueKickoff(runId, 'approved');
    await this.deps.audit.note({ event: 'approved', runId: String(runId), by: approvedBy, startedBy: approved.startedBy }, 'cleanup run approved');
    return approved;
  }

  /** `cancelCleanupRun`: QUEUED or AWAITING_APPROVAL → CANCELLED; a RUNNING or ended run is refused. */
  async cancel(runId: Types.ObjectId, cancelledBy: string): Promise<RunRecord> {
    const before = await this.deps.progress.get(runId);
    if (!before) throw new CleanupRunNotFoundError(String(runId));
    const cancelled = await this.deps.progress.cancel(runId, cancelledBy);
    if (!cancelled) throw new RunNotCancellableError(String(runId), (await this.current(runId)).status);
    await this.deps.audit.note({ event: 'cancelled', runId: String(runId), previousStatus: before.status, by: cancelledBy }, 'cleanup run cancelled');
    return cancelled;
  }

  /** Why an approval changed nothing: the run is not waiting, or the approver started it. */
  private async approvalRefusal(runId: Types.ObjectId, approvedBy: string): Promise<Error> {
    const run = await this.current(runId);
    if (run.status !== RunStatus.AWAITING_APPROVAL) return new RunNotAwaitingApprovalError(String(runId), run.status);
    return new SelfApprovalError(String(runId), approvedBy);
  }

  private async current(runId: Types.ObjectId): Promise<RunRecord> {
    const run = await this.deps.progress.get(runId);
    if (!run) throw new CleanupRunNotFoundError(String(runId));
    return run;
  }
}
