import type { Types } from 'mongoose';
import { JobLockLostError } from '../../../shared/src/job-heartbeat.js';
import type { Logger } from '../../../shared/src/logger.js';
import { isTransientInfrastructureError } from '../../../shared/src/mongo/transient-error.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import type { GameTableCleanupService, Heartbeat } from './game-table-cleanup.service.js';
import { nextQualifyingServer, type EnvironmentRecord } from './qualifying-servers.js';
import type { RunProgress } from './run-progress.js';
import { trafficSince } from './traffic-window.js';

/** Queues the next link of an environment's chain (the `cleanup-environment` job). */
/** A record's id and name: jobs carry both, so a person reading them (Agendash) knows which. */
export interface NamedRef {
  _id: Types.ObjectId;
  name: string;
}

export interface ChainScheduler {
  /** Idempotent per position: the link after `afterServerId` is queued at most once. */
  enqueueEnvironment(runId: Types.ObjectId, environment: NamedRef, afterServer: NamedRef | null): Promise<void>;
}

export interface ChainLink {
  runId: Types.ObjectId;
  environmentId: Types.ObjectId;
}

/**
 * One link of an environment's chain: cleans the next qualifying server after the last one done,
 * records the outcome and queues the next link. A failing server is logged and recorded on the run,
 * and the chain moves on; only an infrastructure failure (recording progress) stops a link, and
 * Agenda retries it from where the run says it stands.
 */
export class EnvironmentCleanupService {
  constructor(
    private readonly deps: {
      models: RgsModels;
      progress: RunProgress;
      cleaner: GameTableCleanupService;
      scheduler: ChainScheduler;
      logger: Logger;
      trafficLookbackDays: number | undefined;
    },
  ) {}

  async step(link: ChainLink, heartbeat: Heartbeat = async () => {}): Promise<void> {
    const log = this.deps.logger.child({ runId: String(link.runId), environmentId: String(link.environmentId) });
    const run = await this.deps.progress.get(link.runId);
    const position = run?.environments.find((e) => e.environmentId.equals(link.environmentId));
    if (!run || !position || position.done) {
      log.info('chain link has nothing to do: the run or this environment is finished');
      return;
    }
    const environment = await this.deps.models.Environment.findById(link.environmentId).lean<EnvironmentRecord>();
    const server = environment && (await nextQualifyingServer(this.deps.models, environment, position.lastServerId));
    if (!environment || !server) {
      log.info({ serversDone: run.serversDone }, 'environment chain finished');
      await this.deps.progress.environmentDone(link.runId, link.environmentId);
      return;
    }

    const serverLog = log.child({ serverId: String(server._id) });
    let failure: string | null = null;
    try {
      await this.deps.cleaner.cleanServer({
        runId: link.runId,
        serverId: server._id,
        requiredCurrencies: environment.requiredCurrencies,
        archivedAt: run.archivedAt,
        trafficSince: trafficSince(new Date(), this.deps.trafficLookbackDays),
      }, heartbeat);
    } catch (err) {
      // Neither a lost lock nor a MongoDB outage or failover is the server's fault: the link fails
      // and is redone (by the worker now holding it, or by Agenda's retry), instead of skipping the server.
      if (err instanceof JobLockLostError || isTransientInfrastructureError(err)) throw err;
      failure = `server ${server.name} (${String(server._id)}): ${err instanceof Error ? err.message : String(err)}`;
      serverLog.error({ err }, 'server cleanup failed; the chain continues with the next server');
    }
    const moved = await this.deps.progress.serverDone(link.runId, link.environmentId, position.lastServerId, server._id, failure);
    if (!moved) {
      serverLog.warn('another link already recorded this server; not queueing a second successor');
      return;
    }
    await this.deps.scheduler.enqueueEnvironment(link.runId, environment, server);
  }

  /**
   * The chain of `link` stops for good: its link failed on every retry (MongoDB unreachable for
   * longer than the retry budget). The run records why and completes once its other chains do, so
   * it frees the active-run slot; a new run picks the environment up where its tables stand.
   */
  async giveUp(link: ChainLink, err: unknown, failedAttempts: number): Promise<void> {
    const reason = `environment ${String(link.environmentId)}: given up after ${failedAttempts} failed attempts: ${err instanceof Error ? err.message : String(err)}`;
    const log = this.deps.logger.child({ runId: String(link.runId), environmentId: String(link.environmentId) });
    const ended = await this.deps.progress.environmentGivenUp(link.runId, link.environmentId, reason);
    if (ended) log.error({ err, failedAttempts }, 'environment chain given up after its retries; recorded on the run');
  }
}
