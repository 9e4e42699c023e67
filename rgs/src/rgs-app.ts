import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import { createAgenda, startAgenda } from '../../shared/src/agenda/agenda.js';
import { scheduleFinishedJobsRetention } from '../../shared/src/agenda/finished-jobs.js';
import { serveService } from '../../shared/src/serve-service.js';
import type { Logger } from '../../shared/src/logger.js';
import { RGS_ACCESS } from './access.js';
import { AbandonedTransactions } from '../../shared/src/mongo/abandoned-transactions.js';
import { connectMongo, ensureCollections, processAppName } from '../../shared/src/mongo/connect.js';
import { logShardKeys, readShardKeys, requireCompatibleSharding } from '../../shared/src/mongo/sharding.js';
import { transactionRunner } from '../../shared/src/mongo/with-transaction.js';
import { stalledJobCheck } from '../../shared/src/agenda/stalled-jobs.js';
import type { RgsConfig } from './config.js';
import type { SchemaPlugin } from './data-access/game-table.model.js';
import { createGamesClient, type GamesClient } from './data-access/games.client.js';
import { registerRgsModels, type RgsModels } from './data-access/rgs-models.js';
import { RGS_SHARDING } from './data-access/rgs-sharding.js';
import { CleanupApprovalService } from './domain/cleanup-approval.service.js';
import { CleanupKickoffService } from './domain/cleanup-kickoff.service.js';
import { CleanupPlanService } from './domain/cleanup-plan.service.js';
import { DispatchRetryService } from './domain/dispatch-retry.service.js';
import { EnvironmentCleanupService } from './domain/environment-cleanup.service.js';
import { GameTableCleanupService } from './domain/game-table-cleanup.service.js';
import { OutboxDispatcherService } from './domain/outbox-dispatcher.service.js';
import { RgsQueries } from './domain/rgs-queries.js';
import { RunAudit } from './domain/run-audit.js';
import { RunProgress } from './domain/run-progress.js';
import { PLAYGROUND_TABS } from './entry-points/graphql/example-query.js';
import { rgsLoaders } from './entry-points/graphql/rgs-loaders.js';
import { buildRgsSchema } from './entry-points/graphql/schema.js';
import { createRgsMetrics } from './rgs-metrics.js';
import { CLEANUP_KICKOFF_JOB, agendaKickoffScheduler, defineCleanupKickoffJob, scheduleCleanupKickoff } from './entry-points/jobs/cleanup-kickoff.job.js';
import { CLEANUP_RUN_EVENT_JOB, agendaRunEventRecorder, defineCleanupRunEventJob } from './entry-points/jobs/cleanup-run-event.job.js';
import { CLEANUP_ENVIRONMENT_JOB, agendaChainScheduler, defineCleanupEnvironmentJob } from './entry-points/jobs/environment-cleanup.job.js';
import { defineDispatchToGamesJob, localFirstDispatchTrigger, scheduleDispatchToGames } from './entry-points/jobs/outbox-dispatch.job.js';

export interface RgsApp {
  url: string;
  conn: Connection;
  models: RgsModels;
  agenda: Agenda;
  /** Stops HTTP, then Agenda (running jobs drained), then the connection. */
  stop(): Promise<void>;
}

export interface RgsAppOptions {
  mongoUri: string;
  logger: Logger;
  /** Replaces the HTTP client of Games (tests record calls with it). */
  gamesClient?: GamesClient;
  /** Extra GameTable callbacks (tests use one that fails for a chosen server). */
  gameTablePlugins?: SchemaPlugin[];
  /** Run the Agenda workers in this process (default: the config's `runJobs`, RUN_JOBS). */
  workers?: boolean;
  /** The current time, for "today" (default: the system clock). */
  clock?: () => Date;
}

/** The composition root of RGS: wires config, MongoDB, services, jobs and the HTTP API. */
export async function startRgsApp(config: RgsConfig, options: RgsAppOptions): Promise<RgsApp> {
  const logger = options.logger;
  const conn = await connectMongo(options.mongoUri, logger, { appName: processAppName('rgs') });
  try {
    const shardKeys = await readShardKeys(conn.db!);
    const models = registerRgsModels(conn, { gameTablePlugins: options.gameTablePlugins, shardKeys });
    requireCompatibleSharding(conn, shardKeys, RGS_SHARDING);
    logShardKeys(logger, shardKeys);
    await ensureCollections(conn);
    const withTransaction = transactionRunner(conn, new AbandonedTransactions(conn.getClient(), { service: 'rgs', logger }));
    const { registry: metrics, chainTimings } = createRgsMetrics(models);
    const agenda = await createAgenda({
      db: conn.db!,
      name: `rgs-${process.pid}`,
      processEveryMs: config.agendaProcessEveryMs,
      defaultLockLifetimeMs: config.jobLockLifetimeMs,
      keepFinishedJobs: config.jobHistory.hours > 0,
      logger,
      metrics,
    });

    const progress = new RunProgress(models);
    const games = options.gamesClient ?? createGamesClient({ url: config.games.url, apiToken: config.games.apiToken.value, timeoutMs: config.dispatch.timeoutMs });
    const dispatcher = new OutboxDispatcherService({ models, games, settings: config.dispatch, logger: logger.child({ component: 'outbox' }) });
    const dispatchTrigger = localFirstDispatchTrigger(agenda, dispatcher);
    const cleaner = new GameTableCleanupService({ models, withTransaction, dispatchTrigger, logger });
    const chain = new EnvironmentCleanupService({
      models,
      progress,
      cleaner,
      scheduler: agendaChainScheduler(agenda),
      logger,
      trafficLookbackDays: config.cleanup.trafficLookbackDays,
      linkMs: config.cleanup.chainLinkMs,
      timings: chainTimings,
    });
    const { timeZone, trafficLookbackDays, maxShare } = config.cleanup;
    const planner = new CleanupPlanService({ models, timeZone, trafficLookbackDays, maxShare, clock: options.clock });
    const audit = new RunAudit({ logger, recorder: agendaRunEventRecorder(agenda) });
    const kickoffScheduler = agendaKickoffScheduler(agenda);
    const kickoff = new CleanupKickoffService({
      models,
      progress,
      planner,
      chainScheduler: agendaChainScheduler(agenda),
      kickoffScheduler,
      audit,
      logger,
      timeZone,
      maxShare,
      clock: options.clock,
    });
    const approvals = new CleanupApprovalService({ progress, kickoffScheduler, audit, allowSelfApproval: config.cleanup.allowSelfApproval });

    const lockLifetimeMs = config.jobLockLifetimeMs;
    defineCleanupKickoffJob(agenda, { kickoff, lockLifetimeMs });
    defineCleanupEnvironmentJob(agenda, { chain, lockLifetimeMs, maxRetries: config.cleanup.chainMaxRetries, logger });
    defineDispatchToGamesJob(agenda, { dispatcher, lockLifetimeMs });
    defineCleanupRunEventJob(agenda);
    await scheduleDispatchToGames(agenda, { intervalMs: config.dispatch.intervalMs });
    await scheduleCleanupKickoff(agenda, { cron: config.cleanup.cron, timeZone: config.cleanup.timeZone });
    await scheduleFinishedJobsRetention(agenda, conn.db!, { ...config.jobHistory, keepNames: [CLEANUP_RUN_EVENT_JOB] });
    if (options.workers ?? config.runJobs) await startAgenda(agenda);

    const retries = new DispatchRetryService({ models, dispatchTrigger, logger });
    const runJobStalled = stalledJobCheck(conn.db!, { jobNames: [CLEANUP_KICKOFF_JOB, CLEANUP_ENVIRONMENT_JOB], dataKey: 'runId', lockLifetimeMs });
    const queries = new RgsQueries(models, runJobStalled);
    const schema = await buildRgsSchema({ kickoff, approvals, planner, queries, retries });
    const service = await serveService(
      { name: 'rgs', schema, conn, agenda, logger, accessPolicy: RGS_ACCESS, playgroundTabs: PLAYGROUND_TABS, metrics, requestLoaders: rgsLoaders(queries) },
      config,
    );
    logger.info({ games: config.games.url, cleanupCron: config.cleanup.cron ?? 'off', maxShare }, 'rgs cleanup settings');
    return { url: service.url, conn, models, agenda, stop: service.stop };
  } catch (err) {
    await conn.close();
    throw err;
  }
}
