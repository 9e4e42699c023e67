import type { Types } from 'mongoose';
import { SCHEDULE_PRINCIPAL } from '../../../shared/src/auth/principal.js';
import { JobLockLostError } from '../../../shared/src/agenda/job-heartbeat.js';
import type { Logger } from '../../../shared/src/logger.js';
import type { PlannedEnvironment, SkippedEnvironment } from '../data-access/cleanup-run.model.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import { claimActiveRun, describeScope, sameScope } from './active-run.js';
import { archivedAtFor } from './archived-at.js';
import { needsApproval, overLimit } from './blast-radius.js';
import { NO_QUALIFYING_SERVER } from './cleanup-eligibility.js';
import type { CleanupPlan, CleanupPlanService } from './cleanup-plan.service.js';
import { ElasticLanes } from './elastic-lanes.js';
import type { ChainScheduler } from './environment-cleanup.service.js';
import type { Heartbeat } from './game-table-cleanup.service.js';
import { ActiveRunConflictError, EnvironmentNotFoundError } from './errors.js';
import { countQualifyingServers, type EnvironmentRecord } from './qualifying-servers.js';
import type { RunAudit } from './run-audit.js';
import type { RunProgress, RunRecord } from './run-progress.js';
import { RunStatus } from './statuses.js';

/** Environments planned at once by a kickoff. */
const PLANNING_LANES = 4;

/** Why a kickoff is queued: a new run, or one a person approved. Part of the job's unique key. */
export type KickoffTrigger = 'started' | 'approved';

/** Queues the kickoff of a run (the `cleanup-kickoff` job); idempotent per run and trigger. */
export interface KickoffScheduler {
  enqueueKickoff(runId: Types.ObjectId, trigger: KickoffTrigger): Promise<void>;
}

/**
 * Starts cleanup runs: claims the one active-run slot with the run's `archivedAt`, then (in the
 * kickoff job) plans every environment in scope with the code of `cleanupPlan`, holds the run for
 * approval when an environment would lose more than CLEANUP_MAX_SHARE of its active tables, and
 * otherwise queues one chain per environment with something to clean.
 */
export class CleanupKickoffService {
  constructor(
    private readonly deps: {
      models: RgsModels;
      progress: RunProgress;
      planner: CleanupPlanService;
      chainScheduler: ChainScheduler;
      kickoffScheduler: KickoffScheduler;
      audit: RunAudit;
      logger: Logger;
      timeZone: string;
      /** CLEANUP_MAX_SHARE, recorded on each run with its plan. */
      maxShare: number;
      clock?: () => Date;
    },
  ) {}

  /**
   * `startCleanup`: records a QUEUED run (for one environment, or all) and queues its kickoff. While
   * a run is active, the same scope returns that run and another scope is refused (CONFLICT).
   */
  async startRun(environmentId: Types.ObjectId | null, startedBy: string): Promise<RunRecord> {
    if (environmentId && !(await this.deps.models.Environment.exists({ _id: environmentId }))) {
      throw new EnvironmentNotFoundError(String(environmentId));
    }
    const claim = await claimActiveRun(this.deps.progress, environmentId, this.archivedAt(), startedBy);
    if (!claim.created) {
      const { active } = claim;
      if (!sameScope(active.environmentId, environmentId)) {
        throw new ActiveRunConflictError(String(active._id), active.status, describeScope(active.environmentId));
      }
      // Queued again in case the process that created it died before queueing (insert-only: no double).
      if (active.status === RunStatus.QUEUED) await this.deps.kickoffScheduler.enqueueKickoff(active._id, active.approvedAt ? 'approved' : 'started');
      return active;
    }
    await this.deps.kickoffScheduler.enqueueKickoff(claim.run._id, 'started');
    this.deps.logger.info({ runId: String(claim.run._id), environmentId: environmentId && String(environmentId), startedBy }, 'cleanup run queued');
    return claim.run;
  }

  /** The scheduled kickoff (cron): a run over every environment, kicked off at once; skipped while another run is active. */
  async runScheduled(heartbeat: Heartbeat = async () => {}): Promise<void> {
    const claim = await claimActiveRun(this.deps.progress, null, this.archivedAt(), SCHEDULE_PRINCIPAL);
    if (!claim.created) {
      const { active } = claim;
      await this.deps.audit.note(
        { event: 'cron-skipped', activeRunId: String(active._id), activeStatus: active.status },
        'scheduled cleanup skipped: another run is active',
      );
      return;
    }
    await this.kickoff(claim.run._id, heartbeat);
  }

  /**
   * The kickoff job's body. A QUEUED run is planned first; it waits for approval when over the
   * limit (unless already approved). Safe to run again after a crash: a RUNNING run is not planned
   * again, and environments already added are skipped.
   */
  async kickoff(runId: Types.ObjectId, heartbeat: Heartbeat = async () => {}): Promise<void> {
    const log = this.deps.logger.child({ runId: String(runId) });
    try {
      const queued = await this.deps.progress.get(runId);
      if (queued?.status === RunStatus.QUEUED && !(await this.planRun(queued, heartbeat))) return;
      const run = await this.deps.progress.start(runId);
      if (!run) {
        log.info('run is not waiting for a kickoff; nothing to do');
        return;
      }
      let chains = 0;
      for (const planned of run.planned) {
        const environment = await this.deps.models.Environment.findById(planned.environmentId).lean<EnvironmentRecord>();
        const servers = environment ? await countQualifyingServers(this.deps.models, environment) : 0;
        const envLog = log.child({ environmentId: String(planned.environmentId) });
        if (servers === 0) {
          envLog.info({ environment: planned.name }, 'environment skipped: no qualifying server any more');
          continue;
        }
        if (await this.deps.progress.addEnvironment(runId, planned.environmentId, servers)) {
          envLog.info({ environment: planned.name, servers }, 'environment chain queued');
        }
        // Queued even when already added: a kickoff that crashed after adding may not have queued it.
        await this.deps.chainScheduler.enqueueEnvironment(runId, { _id: planned.environmentId, name: planned.name }, null);
        chains += 1;
        await heartbeat();
      }
      await this.deps.progress.kickoffDone(runId);
      log.info({ environments: chains }, 'kickoff done');
    } catch (err) {
      // A lost lock is not a failed run: the worker now holding the kickoff redoes it (it is idempotent).
      if (err instanceof JobLockLostError) throw err;
      log.error({ err }, 'kickoff failed');
      await this.deps.progress.fail(runId, `kickoff: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  /**
   * Plans every environment in scope before anything is touched and records the figures on the
   * run. False when the run must not go on now: it waits for approval, or is no longer QUEUED.
   */
  private async planRun(run: RunRecord, heartbeat: Heartbeat): Promise<boolean> {
    const runId = String(run._id);
    const planned: PlannedEnvironment[] = [];
    const skipped: SkippedEnvironment[] = [];
    const environments = await this.deps.models.Environment.find(run.environmentId ? { _id: run.environmentId } : {})
      .sort({ _id: 1 })
      .lean<EnvironmentRecord[]>();
    const plans = await this.planEach(environments, heartbeat);
    for (const [index, environment] of environments.entries()) {
      const plan = plans[index]!;
      const removals = plan.toDeleteCount + plan.toArchiveCount;
      const reason = plan.skippedReason ?? (removals === 0 ? NO_QUALIFYING_SERVER : null);
      if (reason) skipped.push({ environmentId: environment._id, name: environment.name, reason });
      else {
        const { toDeleteCount, toArchiveCount, activeTables, share } = plan;
        planned.push({ environmentId: environment._id, name: environment.name, toDeleteCount, toArchiveCount, activeTables, share, needsApproval: plan.needsApproval });
      }
    }
    if (!(await this.deps.progress.recordPlan(run._id, this.deps.maxShare, planned, skipped))) return false;
    // An approved run is planned again (its figures stay current) but its skips were recorded the first time.
    if (skipped.length > 0 && !run.approvedAt) {
      await this.deps.audit.note(
        { event: 'environments-skipped', runId, skipped: skipped.map((s) => ({ environment: s.name, reason: s.reason })) },
        'environments left alone by the run',
      );
    }
    if (run.approvedAt || !needsApproval(planned)) return true;
    if (await this.deps.progress.awaitApproval(run._id)) {
      await this.deps.audit.note(
        { event: 'awaiting-approval', runId, maxShare: this.deps.maxShare, overLimit: overLimit(planned) },
        'cleanup run waits for approval: the plan exceeds CLEANUP_MAX_SHARE',
      );
    }
    return false;
  }

  /**
   * The plans of `environments`, in their order, PLANNING_LANES at a time: planning reads every
   * candidate of every environment before anything may start, and one environment after another
   * left a core idle while the database answered.
   */
  private async planEach(environments: EnvironmentRecord[], heartbeat: Heartbeat): Promise<CleanupPlan[]> {
    const plans: CleanupPlan[] = [];
    let next = 0;
    const lanes = new ElasticLanes(PLANNING_LANES, async () => {
      for (let index = next++; index < environments.length; index = next++) {
        plans[index] = await this.deps.planner.planFor(environments[index]!, null);
        await heartbeat();
      }
    });
    for (let lane = 0; lane < Math.min(PLANNING_LANES, environments.length); lane++) lanes.add();
    // Every lane ends before a failure (a lost lock) is thrown: none goes on reading behind it.
    await lanes.finished();
    return plans;
  }

  private archivedAt(): Date {
    return archivedAtFor(this.deps.clock?.() ?? new Date(), this.deps.timeZone);
  }
}
