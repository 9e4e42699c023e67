import type { Types } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import { archivedAtFor } from './archived-at.js';
import type { ChainScheduler } from './environment-cleanup.service.js';
import type { Heartbeat } from './game-table-cleanup.service.js';
import { EnvironmentNotFoundError } from './errors.js';
import { countQualifyingServers, type EnvironmentRecord } from './qualifying-servers.js';
import type { RunProgress, RunRecord } from './run-progress.js';

/** Queues the kickoff of a run (the `cleanup-kickoff` job). */
export interface KickoffScheduler {
  enqueueKickoff(runId: Types.ObjectId): Promise<void>;
}

/**
 * Starts cleanup runs: creates the run with its one `archivedAt`, then (in the kickoff job) streams
 * the environments, skips those without a qualifying server and queues one chain per environment.
 */
export class CleanupKickoffService {
  constructor(
    private readonly deps: {
      models: RgsModels;
      progress: RunProgress;
      chainScheduler: ChainScheduler;
      kickoffScheduler: KickoffScheduler;
      logger: Logger;
      timeZone: string;
      clock?: () => Date;
    },
  ) {}

  /** `startCleanup`: records a QUEUED run (for one environment, or all) and queues its kickoff. */
  async startRun(environmentId: Types.ObjectId | null): Promise<RunRecord> {
    if (environmentId && !(await this.deps.models.Environment.exists({ _id: environmentId }))) {
      throw new EnvironmentNotFoundError(String(environmentId));
    }
    const now = this.deps.clock?.() ?? new Date();
    const run = await this.deps.progress.create(environmentId, archivedAtFor(now, this.deps.timeZone));
    await this.deps.kickoffScheduler.enqueueKickoff(run._id);
    this.deps.logger.info({ runId: String(run._id), environmentId: environmentId && String(environmentId) }, 'cleanup run queued');
    return run;
  }

  /** The scheduled kickoff (cron): a run over every environment, kicked off at once. */
  async runScheduled(heartbeat: Heartbeat = async () => {}): Promise<void> {
    const run = await this.deps.progress.create(null, archivedAtFor(this.deps.clock?.() ?? new Date(), this.deps.timeZone));
    await this.kickoff(run._id, heartbeat);
  }

  /** The kickoff job's body. Safe to run again after a crash: environments already added are skipped. */
  async kickoff(runId: Types.ObjectId, heartbeat: Heartbeat = async () => {}): Promise<void> {
    const log = this.deps.logger.child({ runId: String(runId) });
    const run = await this.deps.progress.start(runId);
    if (!run) {
      log.info('run is not waiting for a kickoff; nothing to do');
      return;
    }
    try {
      let queued = 0;
      const cursor = this.deps.models.Environment.find(run.environmentId ? { _id: run.environmentId } : {})
        .sort({ _id: 1 })
        .lean<EnvironmentRecord[]>()
        .cursor();
      for await (const environment of cursor) {
        const servers = await countQualifyingServers(this.deps.models, environment);
        const envLog = log.child({ environmentId: String(environment._id) });
        if (servers === 0) {
          envLog.info({ environment: environment.name }, 'environment skipped: no qualifying server');
          continue;
        }
        if (await this.deps.progress.addEnvironment(runId, environment._id, servers)) {
          envLog.info({ environment: environment.name, servers }, 'environment chain queued');
        }
        // Queued even when already added: a kickoff that crashed after adding may not have queued it.
        await this.deps.chainScheduler.enqueueEnvironment(runId, environment, null);
        queued += 1;
        await heartbeat();
      }
      await this.deps.progress.kickoffDone(runId);
      log.info({ environments: queued }, 'kickoff done');
    } catch (err) {
      log.error({ err }, 'kickoff failed');
      await this.deps.progress.fail(runId, `kickoff: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }
}
