import type { Types } from 'mongoose';
import type { CleanupRun, PlannedEnvironment, SkippedEnvironment } from '../data-access/cleanup-run.model.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import { ACTIVE_RUN_STATUSES, RunStatus } from './statuses.js';

export type RunRecord = CleanupRun & { _id: Types.ObjectId };

/**
 * Every change to a run's progress, each one atomic on the run document so the kickoff and the
 * chains of several environments can report at the same time. None runs inside a slice's
 * transaction: the deleted and archived counts are aggregated on read from the dispatches
 * (`run-counts.ts`), so the run document is not a hot spot the chains' transactions conflict on.
 */
export class RunProgress {
  constructor(private readonly models: RgsModels) {}

  /**
   * Records a QUEUED run holding the one active-run slot. Throws MongoDB's duplicate key error
   * (code 11000) while another run is active: see claimActiveRun.
   */
  async create(environmentId: Types.ObjectId | null, archivedAt: Date, startedBy: string): Promise<RunRecord> {
    const run = await this.models.CleanupRun.create({ status: RunStatus.QUEUED, environmentId, archivedAt, startedBy, activeSlot: true });
    return run.toObject() as RunRecord;
  }

  /** The run holding the active-run slot, if any. */
  async active(): Promise<RunRecord | null> {
    return this.models.CleanupRun.findOne({ activeSlot: true }).lean<RunRecord>();
  }

  /** Stores what planning found, while the run is still QUEUED (nothing touched yet). */
  async recordPlan(runId: Types.ObjectId, maxShare: number, planned: PlannedEnvironment[], skipped: SkippedEnvironment[]): Promise<boolean> {
    const result = await this.models.CleanupRun.updateOne({ _id: runId, status: RunStatus.QUEUED }, { $set: { maxShare, planned, skipped } });
    return result.matchedCount === 1;
  }

  /** QUEUED → AWAITING_APPROVAL: the plan exceeds the limit; nothing has been touched. */
  async awaitApproval(runId: Types.ObjectId): Promise<boolean> {
    const result = await this.models.CleanupRun.updateOne({ _id: runId, status: RunStatus.QUEUED, approvedAt: null }, { $set: { status: RunStatus.AWAITING_APPROVAL } });
    return result.modifiedCount === 1;
  }

  /**
   * AWAITING_APPROVAL → QUEUED with `approvedAt` and `approvedBy`; null when the run was not waiting,
   * or (`otherThanStarter`) was started by the approver itself: checked in the same atomic update,
   * so no change of the run between a check and the write can let a self-approval through.
   */
  async approve(runId: Types.ObjectId, approvedBy: string, otherThanStarter: boolean): Promise<RunRecord | null> {
    return this.models.CleanupRun.findOneAndUpdate(
      { _id: runId, status: RunStatus.AWAITING_APPROVAL, ...(otherThanStarter ? { startedBy: { $ne: approvedBy } } : {}) },
      { $set: { status: RunStatus.QUEUED, approvedAt: new Date(), approvedBy } },
      { returnDocument: 'after' },
    ).lean<RunRecord>();
  }

  /** QUEUED or AWAITING_APPROVAL → CANCELLED, freeing the slot; null when the run had already started or ended. */
  async cancel(runId: Types.ObjectId, cancelledBy: string): Promise<RunRecord | null> {
    const now = new Date();
    return this.models.CleanupRun.findOneAndUpdate(
      { _id: runId, status: { $in: [RunStatus.QUEUED, RunStatus.AWAITING_APPROVAL] } },
      { $set: { status: RunStatus.CANCELLED, cancelledAt: now, cancelledBy, finishedAt: now }, $unset: { activeSlot: 1 } },
      { returnDocument: 'after' },
    ).lean<RunRecord>();
  }

  async get(runId: Types.ObjectId): Promise<RunRecord | null> {
    return this.models.CleanupRun.findById(runId).lean<RunRecord>();
  }

  /** QUEUED → RUNNING; a kickoff retried after a crash finds the run RUNNING and carries on. */
  async start(runId: Types.ObjectId): Promise<RunRecord | null> {
    await this.models.CleanupRun.updateOne({ _id: runId, status: RunStatus.QUEUED }, { $set: { status: RunStatus.RUNNING, startedAt: new Date() } });
    return this.models.CleanupRun.findOne({ _id: runId, status: RunStatus.RUNNING }).lean<RunRecord>();
  }

  /** Adds an environment's chain to the run once; false when it was already added (a retried kickoff). */
  async addEnvironment(runId: Types.ObjectId, environmentId: Types.ObjectId, servers: number): Promise<boolean> {
    const result = await this.models.CleanupRun.updateOne(
      { _id: runId, 'environments.environmentId': { $ne: environmentId } },
      { $push: { environments: { environmentId, lastServerId: null, done: false } }, $inc: { serversTotal: servers } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Records that the chain starts cleaning `serverId` after `previousServerId` (see
   * `EnvironmentProgress.currentServerId`): false means another link already moved on.
   */
  async serverStarted(runId: Types.ObjectId, environmentId: Types.ObjectId, previousServerId: Types.ObjectId | null, serverId: Types.ObjectId): Promise<boolean> {
    const result = await this.models.CleanupRun.updateOne(
      { _id: runId, environments: { $elemMatch: { environmentId, lastServerId: previousServerId, done: false } } },
      { $set: { 'environments.$.currentServerId': serverId } },
    );
    return result.matchedCount === 1;
  }

  /**
   * Records that the chain finished `serverId` (cleaned, or failed with `failure`), if the chain
   * still stood at `previousServerId`: false means another link already moved on.
   */
  async serverDone(
    runId: Types.ObjectId,
    environmentId: Types.ObjectId,
    previousServerId: Types.ObjectId | null,
    serverId: Types.ObjectId,
    failure: string | null,
  ): Promise<boolean> {
    const result = await this.models.CleanupRun.updateOne(
      { _id: runId, environments: { $elemMatch: { environmentId, lastServerId: previousServerId, done: false } } },
      {
        $set: { 'environments.$.lastServerId': serverId, 'environments.$.currentServerId': null },
        $inc: { serversDone: 1, ...(failure ? { serversFailed: 1 } : {}) },
        ...(failure ? { $push: { failures: failure } } : {}),
      },
    );
    return result.modifiedCount === 1;
  }

  async environmentDone(runId: Types.ObjectId, environmentId: Types.ObjectId): Promise<void> {
    await this.models.CleanupRun.updateOne(
      { _id: runId, 'environments.environmentId': environmentId },
      { $set: { 'environments.$.done': true } },
    );
    await this.completeIfFinished(runId);
  }

  /**
   * Ends an environment's chain that cannot go on (its link exhausted its retries), recording why:
   * the run then ends FAILED with the failure listed, instead of staying RUNNING and holding the
   * active-run slot for good. No-op when the environment already finished.
   */
  async environmentGivenUp(runId: Types.ObjectId, environmentId: Types.ObjectId, reason: string): Promise<boolean> {
    const result = await this.models.CleanupRun.updateOne(
      { _id: runId, environments: { $elemMatch: { environmentId, done: false } } },
      { $set: { 'environments.$.done': true, 'environments.$.givenUp': true }, $push: { failures: reason } },
    );
    await this.completeIfFinished(runId);
    return result.modifiedCount === 1;
  }

  async kickoffDone(runId: Types.ObjectId): Promise<void> {
    await this.models.CleanupRun.updateOne({ _id: runId }, { $set: { kickoffDone: true } });
    await this.completeIfFinished(runId);
  }

  async fail(runId: Types.ObjectId, reason: string): Promise<void> {
    await this.models.CleanupRun.updateOne(
      { _id: runId, status: { $in: ACTIVE_RUN_STATUSES } },
      { $set: { status: RunStatus.FAILED, finishedAt: new Date() }, $push: { failures: reason }, $unset: { activeSlot: 1 } },
    );
  }

  /**
   * Ends the run once the kickoff enqueued everything and every chain is done; whoever finishes
   * last wins. COMPLETED means every chain walked to its end and something was cleaned. FAILED
   * when a chain was given up (its remaining servers were never visited), or when something failed
   * and nothing succeeded (every server failed): neither an operator nor `rgs_cleanup_runs{status}`
   * reads such a run as a success. Decided in the same update, on the run's own record.
   */
  private async completeIfFinished(runId: Types.ObjectId): Promise<void> {
    const nothingSucceeded = { $eq: ['$serversDone', { $ifNull: ['$serversFailed', 0] }] };
    const somethingFailed = { $gt: [{ $size: { $ifNull: ['$failures', []] } }, 0] };
    const chainGivenUp = { $anyElementTrue: [{ $map: { input: '$environments', in: { $eq: ['$$this.givenUp', true] } } }] };
    await this.models.CleanupRun.updateOne(
      { _id: runId, status: RunStatus.RUNNING, kickoffDone: true, environments: { $not: { $elemMatch: { done: false } } } },
      [
        { $set: { status: { $cond: [{ $or: [chainGivenUp, { $and: [somethingFailed, nothingSucceeded] }] }, RunStatus.FAILED, RunStatus.COMPLETED] }, finishedAt: '$$NOW' } },
        { $unset: 'activeSlot' },
      ],
      { updatePipeline: true },
    );
  }
}
