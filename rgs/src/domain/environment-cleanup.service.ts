import type { Types } from 'mongoose';
import { JobLockLostError } from '../../../shared/src/agenda/job-heartbeat.js';
import type { Logger } from '../../../shared/src/logger.js';
import { isTransientInfrastructureError } from '../../../shared/src/mongo/transient-error.js';
import type { EnvironmentProgress } from '../data-access/cleanup-run.model.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import { awaitedLater } from './awaited-later.js';
import type { ChainTimings } from './chain-timings.js';
import type { GameTableCleanupService, Heartbeat } from './game-table-cleanup.service.js';
import { nextQualifyingServer, type EnvironmentRecord, type ServerRecord } from './qualifying-servers.js';
import type { RunProgress, RunRecord } from './run-progress.js';
import { trafficSince } from './traffic-window.js';

/** A record's id and name: jobs carry both, so a person reading them (Agendash) knows which. */
export interface NamedRef {
  _id: Types.ObjectId;
  name: string;
}

/** Queues the next link of an environment's chain (the `cleanup-environment` job). */
export interface ChainScheduler {
  /** Idempotent per position: the link after `afterServerId` is queued at most once. */
  enqueueEnvironment(runId: Types.ObjectId, environment: NamedRef, afterServer: NamedRef | null): Promise<void>;
}

export interface ChainLink {
  runId: Types.ObjectId;
  environmentId: Types.ObjectId;
  /** When the previous link queued this one (after recording its last server); unknown for the first. */
  queuedAt?: Date | null;
}

/**
 * One link of an environment's chain: cleans the qualifying servers after the last one done, one at
 * a time, recording each outcome on the run, and after CLEANUP_CHAIN_LINK_MS queues the next link.
 * A failing server is logged and recorded on the run, and the chain moves on; only an
 * infrastructure failure (recording progress) or a lost lock stops a link, and Agenda (or the
 * worker now holding it) redoes it from where the run says it stands.
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
      /** CLEANUP_CHAIN_LINK_MS: after this long a link queues its successor instead of going on (0: after each server). */
      linkMs: number;
      timings: ChainTimings;
    },
  ) {}

  async step(link: ChainLink, heartbeat: Heartbeat = async () => {}): Promise<void> {
    const linkStarted = Date.now();
    const log = this.deps.logger.child({ runId: String(link.runId), environmentId: String(link.environmentId) });
    const run = await this.deps.progress.get(link.runId);
    const position = run?.environments.find((e) => e.environmentId.equals(link.environmentId));
    if (!run || !position || position.done) {
      log.info('chain link has nothing to do: the run or this environment is finished');
      return;
    }
    const environment = await this.deps.models.Environment.findById(link.environmentId).lean<EnvironmentRecord>();
    let previous = position.lastServerId;
    let upcoming = environment && awaitedLater(this.resumedServer(environment, position));
    let previousDoneAt = link.queuedAt?.getTime() ?? null;
    for (;;) {
      const server = await upcoming;
      if (server && previousDoneAt !== null) this.deps.timings.handOff(Date.now() - previousDoneAt);
      if (!environment || !server) {
        log.info({ serversDone: run.serversDone }, 'environment chain finished');
        await this.deps.progress.environmentDone(link.runId, link.environmentId);
        return;
      }
      // Recorded before any slice: once its tables are all changed the server no longer qualifies,
      // and a link redone after a crash or failover must still finish (and count) it.
      if (!(await this.deps.progress.serverStarted(link.runId, link.environmentId, previous, server._id))) {
        log.warn({ serverId: String(server._id) }, 'another link already moved past this position; not going on');
        return;
      }
      // The next server is looked up while this one is cleaned: the hand-off waits for nothing.
      upcoming = awaitedLater(nextQualifyingServer(this.deps.models, environment, server._id));
      // Only a resumed server can have been deactivated since the chain started it: it is finished
      // without being cleaned, as a walk from now on would not clean it either.
      const failure = server.active ? await this.cleanOne(link, run, environment, server, heartbeat, log) : null;
      const moved = await this.deps.progress.serverDone(link.runId, link.environmentId, previous, server._id, failure);
      if (!moved) {
        log.warn({ serverId: String(server._id) }, 'another link already recorded this server; not going on');
        return;
      }
      previous = server._id;
      previousDoneAt = Date.now();
      // A link goes on by itself for a while (no job hand-off, no notification round trip between
      // servers), then queues its successor: links stay bounded and show the chain's progress.
      if (Date.now() - linkStarted >= this.deps.linkMs) {
        await this.deps.scheduler.enqueueEnvironment(link.runId, environment, server);
        return;
      }
      // Between servers, as after every slice: stops here once the lock is lost or handed over.
      await heartbeat();
    }
  }

  /**
   * The server a link starts with: the one the chain was cleaning when its previous link stopped
   * (a crash, a failover, a lost lock), whether or not it still qualifies; otherwise the next
   * qualifying server after the last one finished.
   */
  private async resumedServer(environment: EnvironmentRecord, position: EnvironmentProgress): Promise<ServerRecord | null> {
    const inFlight = position.currentServerId && (await this.deps.models.Server.findById(position.currentServerId).lean<ServerRecord>());
    return inFlight || nextQualifyingServer(this.deps.models, environment, position.lastServerId);
  }

  /** Cleans one server; returns why it failed (the chain goes on), or null. Lost locks and outages are thrown. */
  private async cleanOne(link: ChainLink, run: RunRecord, environment: EnvironmentRecord, server: ServerRecord, heartbeat: Heartbeat, log: Logger): Promise<string | null> {
    try {
      await this.deps.cleaner.cleanServer({
        runId: link.runId,
        serverId: server._id,
        requiredCurrencies: environment.requiredCurrencies,
        archivedAt: run.archivedAt,
        trafficSince: trafficSince(new Date(), this.deps.trafficLookbackDays),
      }, heartbeat);
      return null;
    } catch (err) {
      // Neither a lost lock nor a MongoDB outage or failover is the server's fault: the link fails
      // and is redone (by the worker now holding it, or by Agenda's retry), instead of skipping the server.
      if (err instanceof JobLockLostError || isTransientInfrastructureError(err)) throw err;
      log.child({ serverId: String(server._id) }).error({ err }, 'server cleanup failed; the chain continues with the next server');
      return `server ${server.name} (${String(server._id)}): ${err instanceof Error ? err.message : String(err)}`;
    }
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
